//! Operations: settings, scheduled jobs, maintenance mode, backups, the data key,
//! metrics and `verify`.

pub mod attention;
pub mod backup;
pub mod data_key;
pub mod jobs;
pub mod maintenance;
pub mod metrics;
pub mod settings;
pub mod verify;
