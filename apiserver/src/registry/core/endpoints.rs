//! Endpoints: upstream's `SetDefaults_Endpoints` (a port without protocol is TCP).

use serde_json::{json, Value};

use crate::registry::defaulting::{each_object_in, set_default};

/// Upstream's defaults of an Endpoints object.
pub fn default_endpoints(obj: &mut Value) {
    let Some(map) = obj.as_object_mut() else {
        return;
    };
    each_object_in(map, "subsets", |subset| {
        each_object_in(subset, "ports", |port| {
            set_default(port, "protocol", json!("TCP"))
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_default_to_tcp() {
        let mut ep =
            json!({"subsets": [{"ports": [{"port": 80}, {"port": 53, "protocol": "UDP"}]}]});
        default_endpoints(&mut ep);
        assert_eq!(ep["subsets"][0]["ports"][0]["protocol"], "TCP");
        assert_eq!(ep["subsets"][0]["ports"][1]["protocol"], "UDP");
    }
}
