pub mod answer_list;
pub mod dossier_summary;
pub mod download_dossiers;
pub mod install;
pub mod lang_switch;
pub mod question_form;
pub mod receipt;
pub mod scanner;
