//! One plain model per screen: state and decisions the components only render and call,
//! so every transition and rule is tested natively (the components hold signals of
//! these types, or call these functions from derived signals).

pub mod add;
pub mod default_choice;
pub mod delete;
pub mod email;
pub mod hardware_token;
pub mod phone;
pub mod security_key;
pub mod security_questions;
pub mod verify;
pub mod wizard;
