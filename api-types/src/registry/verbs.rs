//! API verbs and a small copyable set of them.

use std::fmt;
use std::str::FromStr;

/// A verb a resource (or subresource) is served with, as discovery names it.
///
/// Variants are declared in upstream's discovery order (alphabetical), which is also the order
/// [`Verbs::iter`] yields them in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verb {
    Create,
    Delete,
    DeleteCollection,
    Get,
    List,
    Patch,
    Update,
    Watch,
}

impl Verb {
    /// Every verb, in discovery order.
    pub const ALL: [Verb; 8] = [
        Verb::Create,
        Verb::Delete,
        Verb::DeleteCollection,
        Verb::Get,
        Verb::List,
        Verb::Patch,
        Verb::Update,
        Verb::Watch,
    ];

    /// The verb as it appears in discovery documents and RBAC rules.
    pub const fn as_str(self) -> &'static str {
        match self {
            Verb::Create => "create",
            Verb::Delete => "delete",
            Verb::DeleteCollection => "deletecollection",
            Verb::Get => "get",
            Verb::List => "list",
            Verb::Patch => "patch",
            Verb::Update => "update",
            Verb::Watch => "watch",
        }
    }

    const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not one of the eight discovery verbs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown verb {0:?}")]
pub struct UnknownVerb(pub String);

impl FromStr for Verb {
    type Err = UnknownVerb;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Verb::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownVerb(s.to_owned()))
    }
}

/// A set of [`Verb`]s, one bit each, usable in `const` tables.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Verbs(u8);

impl Verbs {
    /// No verb at all.
    pub const NONE: Verbs = Verbs(0);
    /// All eight verbs: what a plain stored resource serves.
    pub const ALL: Verbs = Verbs::of(&Verb::ALL);
    /// `get`, `patch`, `update`: `status`, `scale` and most other object-shaped subresources.
    pub const GET_PATCH_UPDATE: Verbs = Verbs::of(&[Verb::Get, Verb::Patch, Verb::Update]);
    /// `create` only: reviews, bindings, evictions, token requests.
    pub const CREATE: Verbs = Verbs::of(&[Verb::Create]);
    /// `create`, `get`: the streaming subresources (`exec`, `attach`, `portforward`).
    pub const CREATE_GET: Verbs = Verbs::of(&[Verb::Create, Verb::Get]);
    /// `create`, `delete`, `get`, `patch`, `update`: the `proxy` subresources.
    pub const PROXY: Verbs = Verbs::of(&[
        Verb::Create,
        Verb::Delete,
        Verb::Get,
        Verb::Patch,
        Verb::Update,
    ]);

    /// The set holding exactly `verbs`.
    pub const fn of(verbs: &[Verb]) -> Verbs {
        let mut bits = 0u8;
        let mut i = 0;
        while i < verbs.len() {
            bits |= verbs[i].bit();
            i += 1;
        }
        Verbs(bits)
    }

    /// This set plus `verb`.
    pub const fn with(self, verb: Verb) -> Verbs {
        Verbs(self.0 | verb.bit())
    }

    /// This set minus `verb`.
    pub const fn without(self, verb: Verb) -> Verbs {
        Verbs(self.0 & !verb.bit())
    }

    /// Whether `verb` is in the set.
    pub const fn contains(self, verb: Verb) -> bool {
        self.0 & verb.bit() != 0
    }

    /// Number of verbs in the set.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The verbs in upstream's discovery order.
    pub fn iter(self) -> VerbsIter {
        self.into_iter()
    }

    /// The verbs as discovery strings, in discovery order.
    pub fn to_strings(self) -> Vec<&'static str> {
        self.iter().map(Verb::as_str).collect()
    }
}

impl fmt::Debug for Verbs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl IntoIterator for Verbs {
    type Item = Verb;
    type IntoIter = VerbsIter;

    fn into_iter(self) -> VerbsIter {
        VerbsIter { set: self, next: 0 }
    }
}

/// Iterator over a [`Verbs`] set, in discovery order.
#[derive(Clone, Debug)]
pub struct VerbsIter {
    set: Verbs,
    next: usize,
}

impl Iterator for VerbsIter {
    type Item = Verb;

    fn next(&mut self) -> Option<Verb> {
        while let Some(&verb) = Verb::ALL.get(self.next) {
            self.next += 1;
            if self.set.contains(verb) {
                return Some(verb);
            }
        }
        None
    }
}

impl FromIterator<Verb> for Verbs {
    fn from_iter<I: IntoIterator<Item = Verb>>(iter: I) -> Self {
        iter.into_iter().fold(Verbs::NONE, Verbs::with)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iterates_in_discovery_order() {
        let v = Verbs::of(&[Verb::Watch, Verb::Create, Verb::List]);
        assert_eq!(v.to_strings(), ["create", "list", "watch"]);
        assert_eq!(v.len(), 3);
        assert!(v.contains(Verb::List));
        assert!(!v.contains(Verb::Get));
    }

    #[test]
    fn all_matches_upstream_order() {
        assert_eq!(
            Verbs::ALL.to_strings(),
            [
                "create",
                "delete",
                "deletecollection",
                "get",
                "list",
                "patch",
                "update",
                "watch"
            ]
        );
    }

    #[test]
    fn parse_round_trips() {
        for v in Verb::ALL {
            assert_eq!(v.as_str().parse::<Verb>(), Ok(v));
        }
        assert!("escalate".parse::<Verb>().is_err());
        assert!("GET".parse::<Verb>().is_err());
    }

    #[test]
    fn set_operations() {
        let v = Verbs::ALL.without(Verb::DeleteCollection);
        assert_eq!(v.len(), 7);
        assert!(!v.contains(Verb::DeleteCollection));
        assert_eq!(v.with(Verb::DeleteCollection), Verbs::ALL);
        let collected: Verbs = [Verb::Get, Verb::Patch, Verb::Update].into_iter().collect();
        assert_eq!(collected, Verbs::GET_PATCH_UPDATE);
        assert!(Verbs::NONE.is_empty());
    }
}
