pub mod code_entry;
pub mod lang_switch;
