//! Terraform loader: `.tf` and `.tf.json` files of one module directory into the model.

pub mod eval;
pub mod functions;
pub mod syntax;
pub mod value;
