// Link CBC, built from source by cbc-src, into every binary that uses the library.
extern crate cbc_src;
pub mod traffic;
