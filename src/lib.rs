//! keepalign: static analysis of the timeouts that must line up between AWS
//! load balancers and the servers behind them.

pub mod agent;
pub mod build_links;
pub mod cloudformation;
pub mod containers;
pub mod convert;
pub mod dockerfile;
pub mod document;
pub mod edge;
pub mod finding;
pub mod image_files;
pub mod images;
pub mod input;
pub mod json;
pub mod launch;
pub mod linker;
pub mod model;
pub mod parallel;
pub mod plan;
pub mod servers;
pub mod source;
pub mod terraform;
pub mod value;

#[cfg(test)]
mod testing;
#[macro_use]
pub mod rules;
pub mod baseline;
pub mod beanstalk;
pub mod bluegreen;
pub mod budget;
pub mod config;
pub mod discover;
pub mod engine;
pub mod fuzzing;
pub mod policy;
pub mod report;
pub mod suppress;
