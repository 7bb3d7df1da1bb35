//! keepalign: static analysis of the timeouts that must line up between AWS
//! load balancers and the servers behind them.

pub mod model;
pub mod servers;
pub mod source;
pub mod json;
pub mod terraform;
