//! The one integration-test binary: every test starts the real `meguri` binary on port 0
//! against a fresh database and talks HTTP to it, and ends with `meguri verify`.

mod support;

mod accessibility;
mod accounts;
mod api_basics;
mod applications;
mod backup;
mod browser;
mod cards;
mod cli;
mod counter;
mod crash;
mod deploy;
mod forms;
mod grants_office;
mod hostile;
mod journal_hash;
mod languages;
mod ledger;
mod ledger_rules;
mod login_limits;
mod mail;
mod maintenance;
mod migration;
mod notices;
mod office_browser;
mod pages;
mod passwords;
mod personal_data;
mod production;
mod programs_office;
mod quiet;
mod recovery;
mod resident_app;
mod roles;
mod shop;
mod store_directory;
mod store_status;
mod tax;
mod till;
