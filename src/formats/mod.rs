//! One module per format: `read` into the model, `lower` onto what the
//! format can express, `encode` into files.

pub mod gkeyfile;
pub mod ifcfg;
pub mod iproute2;
pub mod keyfile;
pub mod model;
pub mod values;
