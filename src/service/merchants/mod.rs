//! Merchants: stores, their applications and change requests, the bulk import and the
//! public directory.

pub mod applications;
pub mod directory;
pub mod postcodes;
pub mod store_import;
pub mod store_office;
pub mod store_requests;
pub mod stores;
