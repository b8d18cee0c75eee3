//! The local mail store: free space and inodes, the folder's layout, and
//! one small test write that is removed again.

use crate::account::StoreSettings;
use crate::evidence::{Space, StoreCheck, WriteTest};

/// Look at the store. `space_override` replaces the filesystem's free
/// space (the demo lab's simulated full disk).
pub async fn check(settings: &StoreSettings, space_override: Option<Space>) -> StoreCheck {
    StoreCheck {
        path: settings.path.clone(),
        format: settings.format,
        space: space_override,
        write_test: WriteTest::NotRun("not implemented yet".into()),
        problems: Vec::new(),
        entries_checked: 0,
        simulated: space_override.is_some(),
    }
}
