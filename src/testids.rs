//! The `data-testid` values: part of the public contract (host pages and tests query
//! them), so they live in one place.

pub const QR: &str = "qr";
pub const CANT_SCAN: &str = "cant-scan";
pub const MANUAL_SECRET: &str = "manual-secret";
pub const MANUAL_URL: &str = "manual-url";
pub const COPY_SECRET: &str = "copy-secret";
pub const COPY_URL: &str = "copy-url";
pub const OTPAUTH_LINK: &str = "otpauth-link";

// Screen A: the page.
pub const SECURITY_INFO: &str = "security-info";
pub const LOADING: &str = "loading";
pub const EMPTY: &str = "empty";
pub const ERROR: &str = "error";
pub const RETRY: &str = "retry";
/// A dialog whose code could not be fetched (split builds): the error and its retry.
pub const CHUNK_ERROR: &str = "chunk-error";
pub const CHUNK_RETRY: &str = "chunk-retry";
/// Polite announcements after a change ("… was deleted.").
pub const NOTICE: &str = "notice";
pub const DEFAULT_METHOD: &str = "default-method";
pub const CHANGE_DEFAULT: &str = "change-default";
pub const ADD_METHOD: &str = "add-method";
/// Each row also carries `data-method-id` and `data-method-type`.
pub const METHOD_ROW: &str = "method-row";
pub const DELETE_METHOD: &str = "delete-method";
pub const RENAME_METHOD: &str = "rename-method";
pub const RENAME_INPUT: &str = "rename-input";
pub const RENAME_SAVE: &str = "rename-save";

// Screen B: add a method.
pub const ADD_METHOD_DIALOG: &str = "add-method-dialog";
pub const METHOD_SELECT: &str = "method-select";
pub const ADD_CONFIRM: &str = "add-confirm";
/// "Authenticator app or hardware token": where the codes come from.
pub const SOURCE_APP: &str = "source-app";
pub const SOURCE_HARDWARE: &str = "source-hardware";
pub const SOURCE_BACK: &str = "source-back";

// Screen C: authenticator wizard.
pub const WIZARD: &str = "authenticator-wizard";
pub const WIZARD_STEP: &str = "wizard-step";
pub const WIZARD_NEXT: &str = "wizard-next";
pub const WIZARD_BACK: &str = "wizard-back";
pub const WIZARD_DONE: &str = "wizard-done";
pub const USE_OTHER_APP: &str = "use-other-app";
pub const USE_OTHER_METHOD: &str = "use-other-method";
pub const CODE_INPUT: &str = "code-input";
pub const CODE_SUBMIT: &str = "code-submit";
/// The push path: the activation code under "Can't scan image?", its copy button, the
/// number to enter in the app, the notification's state, "Resend notification".
pub const ACTIVATION_CODE: &str = "activation-code";
pub const COPY_CODE: &str = "copy-code";
pub const PUSH_NUMBER: &str = "push-number";
pub const PUSH_STATUS: &str = "push-status";
pub const RESEND_NOTIFICATION: &str = "resend-notification";

// Hardware token activation (its code field is CODE_INPUT).
pub const HARDWARE_TOKEN_DIALOG: &str = "hardware-token-dialog";
pub const SERIAL_INPUT: &str = "serial-input";
pub const TOKEN_NAME_INPUT: &str = "token-name-input";
pub const TOKEN_SUBMIT: &str = "token-submit";

// Screen D: change default.
pub const DEFAULT_DIALOG: &str = "default-dialog";
pub const DEFAULT_SELECT: &str = "default-select";
pub const DEFAULT_CONFIRM: &str = "default-confirm";

// Screen E: confirm delete.
pub const CONFIRM_DIALOG: &str = "confirm-dialog";
pub const CONFIRM_YES: &str = "confirm-yes";
pub const CONFIRM_NO: &str = "confirm-no";

// Screen J: verify your identity.
pub const VERIFY_DIALOG: &str = "verify-dialog";
pub const VERIFY_INPUT: &str = "verify-input";
pub const VERIFY_SUBMIT: &str = "verify-submit";
pub const SIGN_IN_OTHER_WAY: &str = "sign-in-other-way";
/// Each choice under "Sign in another way"; carries `data-method-id`.
pub const VERIFY_METHOD_OPTION: &str = "verify-method-option";

// Security key (screen I)
pub const SECURITY_KEY_DIALOG: &str = "security-key-dialog";
pub const KEY_NEXT: &str = "key-next";
pub const KEY_TOUCH: &str = "key-touch";
pub const KEY_RETRY: &str = "key-retry";
pub const KEY_NAME_INPUT: &str = "key-name-input";
pub const KEY_NAME_SAVE: &str = "key-name-save";
pub const METHOD_LAST_USED: &str = "method-last-used";

// Phone
pub const PHONE_DIALOG: &str = "phone-dialog";
pub const PHONE_KIND: &str = "phone-kind";
pub const PHONE_COUNTRY: &str = "phone-country";
pub const PHONE_NUMBER: &str = "phone-number";
pub const PHONE_EXTENSION: &str = "phone-extension";
pub const PHONE_MODE: &str = "phone-mode";
pub const PHONE_SEND: &str = "phone-send";
pub const PHONE_SENT: &str = "phone-sent";
pub const RESEND_CODE: &str = "resend-code";
pub const RESEND_WAIT: &str = "resend-wait";
pub const REPLACES_NOTE: &str = "replaces-note";
pub const CHANGE_METHOD: &str = "change-method";

// Email
pub const EMAIL_DIALOG: &str = "email-dialog";
pub const EMAIL_ADDRESS: &str = "email-address";
pub const EMAIL_SEND: &str = "email-send";

// Security questions
pub const QUESTIONS_DIALOG: &str = "questions-dialog";
pub const QUESTION_SELECT: &str = "question-select";
pub const ANSWER_INPUT: &str = "answer-input";
pub const QUESTIONS_SUBMIT: &str = "questions-submit";

// Add dialog: the types the policy does not allow
pub const NOT_ALLOWED: &str = "not-allowed";

// Demo outbox
pub const OUTBOX: &str = "outbox";
pub const OUTBOX_REFRESH: &str = "outbox-refresh";
pub const OUTBOX_MESSAGE: &str = "outbox-message";
