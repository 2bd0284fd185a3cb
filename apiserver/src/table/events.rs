//! `events.k8s.io`: the same Event as the core group's (upstream serves both from one
//! storage and one printer).

use super::Printer;

pub(super) fn printer(plural: &str) -> Option<Printer> {
    match plural {
        "events" => Some(Printer {
            columns: super::core::event_columns,
            cells: super::core::event_cells,
        }),
        _ => None,
    }
}
