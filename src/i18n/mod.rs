//! Translations: English and Dutch built in, as one typed table.
//!
//! Why not leptos_i18n: it costs ≈21 KB brotli for two locales (measured with scripts/bench-size.sh), a third of
//! the whole size budget, and it sets `lang` on the host's `<html>`. This table is two
//! `match`es over one enum: a missing Dutch string does not compile (every entry names
//! both), hosts override any key by its name, and hosts add whole locales at run time as
//! key → text maps (missing keys fall back to English).
//!
//! Placeholders are written `{name}` and filled by [`I18n::fmt`]; a sentence around a
//! user-provided value is an [`I18n::named`], whose view isolates the value.

use leptos::prelude::*;
use security_info_core::methods::{DefaultMode, MethodType};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

macro_rules! messages {
    (
        first_paint { $($fkey:ident $fname:literal => $fen:literal, $fnl:literal;)* }
        $($key:ident $name:literal => $en:literal, $nl:literal;)*
    ) => {
        /// A translatable string. [`Key::name`] is the name hosts use to override it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key { $($fkey,)* $($key,)* }

        impl Key {
            /// Every key, in table order.
            pub const ALL: &'static [Key] = &[$(Key::$fkey,)* $(Key::$key,)*];
            /// The keys of the first paint's texts.
            pub const FIRST_PAINT: &'static [Key] = &[$(Key::$fkey,)*];

            /// The stable name of the key (camelCase, as in the JS `messages` option).
            pub fn name(self) -> &'static str {
                self.first_paint_name().unwrap_or_else(|| match self {
                    $(Key::$key => $name,)*
                    _ => "",
                })
            }

            /// The key with this name.
            pub fn parse(name: &str) -> Option<Key> {
                Self::ALL.iter().copied().find(|k| k.name() == name)
            }

            /// The built-in text in `locale`.
            pub fn text(self, locale: Builtin) -> &'static str {
                self.first_paint_text(locale).unwrap_or_else(|| match locale {
                    Builtin::En => match self { $(Key::$key => $en,)* _ => "" },
                    Builtin::Nl => match self { $(Key::$key => $nl,)* _ => "" },
                })
            }

            fn first_paint_name(self) -> Option<&'static str> {
                Some(match self { $(Key::$fkey => $fname,)* _ => return None })
            }

            fn first_paint_text(self, locale: Builtin) -> Option<&'static str> {
                Some(match locale {
                    Builtin::En => match self { $(Key::$fkey => $fen,)* _ => return None },
                    Builtin::Nl => match self { $(Key::$fkey => $fnl,)* _ => return None },
                })
            }
        }
    };
}

messages! {
    // What the first paint shows (src/first_paint.rs): only these texts are in the
    // main wasm of the split build.
    first_paint {
        Title "title" => "Security info", "Beveiligingsgegevens";
        Intro "intro" => "These are the methods you use to sign into your account or reset your password.",
            "Dit zijn de methoden die u gebruikt om u aan te melden bij uw account of om uw wachtwoord opnieuw in te stellen.";
        DefaultMethod "defaultMethod" => "Default sign-in method: {name}", "Standaardaanmeldingsmethode: {name}";
        NoDefaultMethod "noDefaultMethod" => "Default sign-in method: none yet", "Standaardaanmeldingsmethode: nog geen";
        Change "change" => "Change", "Wijzigen";
        ChangeDefaultLabel "changeDefaultLabel" => "Change default sign-in method", "Standaardaanmeldingsmethode wijzigen";
        AddMethod "addMethod" => "Add sign-in method", "Aanmeldingsmethode toevoegen";
        Delete "delete" => "Delete", "Verwijderen";
        DeleteNamed "deleteNamed" => "Delete {name}", "{name} verwijderen";
        Rename "rename" => "Rename", "Naam wijzigen";
        RenameNamed "renameNamed" => "Rename {name}", "Naam van {name} wijzigen";
        NameLabel "nameLabel" => "Name", "Naam";
        Save "save" => "Save", "Opslaan";
        Cancel "cancel" => "Cancel", "Annuleren";
        Close "close" => "Close", "Sluiten";
        SsprOnly "ssprOnly" => "Can only be used for password reset", "Kan alleen worden gebruikt voor wachtwoordherstel";
        Methods "methods" => "Your sign-in methods", "Uw aanmeldingsmethoden";
        Loading "loading" => "Loading your security info…", "Uw beveiligingsgegevens worden geladen…";
        Empty "empty" => "You haven't set up any sign-in methods yet. Add one to protect your account.",
            "U hebt nog geen aanmeldingsmethoden ingesteld. Voeg er een toe om uw account te beveiligen.";
        LoadFailed "loadFailed" => "We couldn't load your security info.", "Uw beveiligingsgegevens kunnen niet worden geladen.";
        Retry "retry" => "Try again", "Opnieuw proberen";
        ChunkFailed "chunkFailed" => "This part of the page couldn't be loaded. Check your connection and try again.",
            "Dit deel van de pagina kan niet worden geladen. Controleer uw verbinding en probeer het opnieuw.";

        TypeAuthenticatorPush "typeAuthenticatorPush" => "Authenticator app", "Authenticator-app";
        TypeTotp "typeTotp" => "Authenticator app or hardware token", "Authenticator-app of hardwaretoken";
        TypePhone "typePhone" => "Phone", "Telefoon";
        TypeSecurityKey "typeSecurityKey" => "Security key", "Beveiligingssleutel";
        TypeEmail "typeEmail" => "Email", "E-mailadres";
        TypeSecurityQuestions "typeSecurityQuestions" => "Security questions", "Beveiligingsvragen";

        ModeNotification "modeNotification" => "Authenticator app – notification", "Authenticator-app – melding";
        ModeCode "modeCode" => "Authenticator app or hardware token – code", "Authenticator-app of hardwaretoken – code";
        ModeText "modeText" => "Phone – text {detail}", "Telefoon – sms {detail}";
        ModeCall "modeCall" => "Phone – call {detail}", "Telefoon – oproep {detail}";
        ModeKey "modeKey" => "Security key", "Beveiligingssleutel";
        HardwareToken "hardwareToken" => "Hardware token", "Hardwaretoken";
        ChangeNamed "changeNamed" => "Change {name}", "{name} wijzigen";
        LastUsed "lastUsed" => "Last used {date}", "Laatst gebruikt op {date}";
        NotUsedYet "notUsedYet" => "Not used yet", "Nog niet gebruikt";
    }

    AddTitle "addTitle" => "Add a method", "Een methode toevoegen";
    AddPrompt "addPrompt" => "Which method would you like to add?", "Welke methode wilt u toevoegen?";
    Add "add" => "Add", "Toevoegen";
    PolicyNote "policyNote" => "If you don't see a method, your organization may not allow it. Contact your administrator.",
        "Als u een methode niet ziet, staat uw organisatie deze mogelijk niet toe. Neem contact op met uw beheerder.";
    NothingToAdd "nothingToAdd" => "There are no methods you can add here.", "Er zijn hier geen methoden die u kunt toevoegen.";
    LimitReached "limitReached" => "You can't set up {product} because you already have {count} authenticator apps or hardware tokens. Please contact your administrator to delete one of your authenticator apps or hardware tokens.",
        "U kunt {product} niet instellen omdat u al {count} authenticator-apps of hardwaretokens hebt. Neem contact op met uw beheerder om een van uw authenticator-apps of hardwaretokens te verwijderen.";

    StepOf "stepOf" => "Step {n} of {m}", "Stap {n} van {m}";
    WizardTitle "wizardTitle" => "Set up an authenticator app", "Een authenticator-app instellen";
    GetAppTitle "getAppTitle" => "Start by getting the app", "Start door de app op te halen";
    GetAppBody "getAppBody" => "On your phone, install the {product} app. After you install it, choose Next.",
        "Installeer de {product}-app op uw telefoon. Selecteer Volgende nadat u de app hebt geïnstalleerd.";
    DownloadNow "downloadNow" => "Download now", "Nu downloaden";
    UseOtherApp "useOtherApp" => "I want to use a different authenticator app", "Ik wil een andere verificator-app gebruiken";
    UseOtherMethod "useOtherMethod" => "I want to set up a different method", "Ik wil een andere methode instellen";
    Next "next" => "Next", "Volgende";
    Back "back" => "Back", "Vorige";
    SetUpTitle "setUpTitle" => "Set up your account", "Uw account instellen";
    SetUpBody "setUpBody" => "If prompted, allow notifications. Then add an account, and select \"Work or school\".",
        "Sta meldingen toe als daarom wordt gevraagd. Voeg vervolgens een account toe en selecteer Werk- of schoolaccount.";
    SetUpBodyOther "setUpBodyOther" => "In your authenticator app, add a new account. Choose Next when you're ready to scan the QR code.",
        "Voeg in uw verificator-app een nieuw account toe. Selecteer Volgende wanneer u klaar bent om de QR-code te scannen.";
    ScanTitle "scanTitle" => "Scan the QR code", "De QR-code scannen";
    ScanBody "scanBody" => "Use the authenticator app to scan the QR code. This will connect the app with your account.",
        "Scan de QR-code met de authenticator-app. Hiermee wordt de app gekoppeld aan uw account.";
    Preparing "preparing" => "Preparing your QR code…", "Uw QR-code wordt voorbereid…";
    CantScan "cantScan" => "Can't scan image?", "Kunt u de QR-code niet scannen?";
    ManualIntro "manualIntro" => "Enter the following into your app:", "Voer het volgende in uw app in:";
    SecretKey "secretKey" => "Secret key", "Geheime sleutel";
    Url "url" => "URL", "URL";
    Copy "copy" => "Copy", "Kopiëren";
    CopySecret "copySecret" => "Copy secret key", "Geheime sleutel kopiëren";
    CopyUrl "copyUrl" => "Copy URL", "URL kopiëren";
    Copied "copied" => "Copied", "Gekopieerd";
    // The account name is the server's, and an SVG <title> holds no <bdi>: Unicode's own
    // isolates (FSI … PDI) keep its bidi controls from reordering the sentence.
    QrAlt "qrAlt" => "QR code for \u{2068}{account}\u{2069}. If you can't scan it, choose \"Can't scan image?\".",
        "QR-code voor \u{2068}{account}\u{2069}. Als u deze niet kunt scannen, selecteert u \"Kunt u de QR-code niet scannen?\".";
    OpenInApp "openInApp" => "Open in authenticator app", "Openen in de authenticator-app";
    CodeTitle "codeTitle" => "Enter code", "Code invoeren";
    CodeBody "codeBody" => "Enter the {digits}-digit code shown in the authenticator app.",
        "Voer de code van {digits} cijfers in die in de authenticator-app wordt weergegeven.";
    CodeLabel "codeLabel" => "Code", "Code";
    Verify "verify" => "Verify", "Verifiëren";
    CodeWrong "codeWrong" => "That code isn't right. Check the code in your app and try again.",
        "Die code is niet juist. Controleer de code in uw app en probeer het opnieuw.";
    CodeMalformed "codeMalformed" => "Enter the {digits}-digit code from your app.", "Voer de code van {digits} cijfers uit uw app in.";
    ClockHint "clockHint" => "That code belongs to a different time. Check that the clock on your phone is set automatically, then try again.",
        "Die code hoort bij een ander tijdstip. Controleer of de klok van uw telefoon automatisch wordt ingesteld en probeer het opnieuw.";
    TryItTitle "tryItTitle" => "Let's try it out", "Laten we het uitproberen";
    TryItBody "tryItBody" => "Approve the notification we're sending to your app by entering the number shown below.",
        "Keur de melding die we naar uw app sturen goed door het onderstaande nummer in te voeren.";
    NotificationSending "notificationSending" => "Sending a notification to your app…", "Er wordt een melding naar uw app verzonden…";
    NumberToEnter "numberToEnter" => "Number to enter in the app: {number}", "Nummer om in de app in te voeren: {number}";
    NotificationApproved "notificationApproved" => "Notification approved", "Melding goedgekeurd";
    NotificationDenied "notificationDenied" => "The notification was denied in the app.", "De melding is in de app geweigerd.";
    NotificationWrongNumber "notificationWrongNumber" => "The number entered in the app did not match the number shown, so the notification was denied.",
        "Het nummer dat in de app is ingevoerd, komt niet overeen met het getoonde nummer. De melding is daarom geweigerd.";
    NotificationExpired "notificationExpired" => "The notification expired before it was approved.", "De melding is verlopen voordat deze werd goedgekeurd.";
    ResendNotification "resendNotification" => "Resend notification", "Melding opnieuw verzenden";
    ManualPushIntro "manualPushIntro" => "Enter the following code and URL into your app:", "Voer de volgende code en URL in uw app in:";
    ActivationCode "activationCode" => "Code", "Code";
    CopyCode "copyCode" => "Copy code", "Code kopiëren";
    QrPushAlt "qrPushAlt" => "QR code that connects the app with your account. If you can't scan it, choose \"Can't scan image?\".",
        "QR-code die de app met uw account verbindt. Kunt u deze niet scannen, kies dan \"Kunt u de QR-code niet scannen?\".";
    DoneTitle "doneTitle" => "Your authenticator app is set up", "Uw authenticator-app is ingesteld";
    DoneBody "doneBody" => "You can now use it to sign in and to reset your password.",
        "U kunt de app nu gebruiken om u aan te melden en om uw wachtwoord opnieuw in te stellen.";
    Done "done" => "Done", "Gereed";

    SourcePrompt "sourcePrompt" => "Where will your codes come from?", "Waar komen uw codes vandaan?";
    SourceApp "sourceApp" => "Authenticator app", "Authenticator-app";
    SourceAppHint "sourceAppHint" => "An app on your phone that shows codes.", "Een app op uw telefoon die codes weergeeft.";
    SourceHardwareHint "sourceHardwareHint" => "A small device from your organization that shows a code when you press its button.",
        "Een klein apparaat van uw organisatie dat een code weergeeft als u op de knop drukt.";
    TokenTitle "tokenTitle" => "Activate a hardware token", "Een hardwaretoken activeren";
    TokenBody "tokenBody" => "Enter the serial number of your token, then press its button and enter the code it shows.",
        "Voer het serienummer van uw token in, druk daarna op de knop van het token en voer de code in die het weergeeft.";
    SerialLabel "serialLabel" => "Serial number", "Serienummer";
    SerialHint "serialHint" => "It's printed on the back of the token.", "Dit staat op de achterkant van het token.";
    TokenNameLabel "tokenNameLabel" => "Name (optional)", "Naam (optioneel)";
    Activate "activate" => "Activate", "Activeren";
    TokenSerialMissing "tokenSerialMissing" => "Enter the serial number from the back of your token.",
        "Voer het serienummer van de achterkant van uw token in.";
    TokenSerialTooLong "tokenSerialTooLong" => "A serial number has at most {max} characters.", "Een serienummer heeft maximaal {max} tekens.";
    TokenCodeMalformed "tokenCodeMalformed" => "Enter the {digits}-digit code that your token shows.",
        "Voer de code van {digits} cijfers in die uw token weergeeft.";
    TokenCodeWrong "tokenCodeWrong" => "That code isn't right. Press the button on your token and enter the new code.",
        "Die code is niet juist. Druk op de knop van uw token en voer de nieuwe code in.";
    TokenDrift "tokenDrift" => "That code belongs to a different time: the clock in your token has drifted. Press its button and enter the new code. If this keeps happening, contact your administrator.",
        "Die code hoort bij een ander tijdstip: de klok in uw token loopt niet gelijk. Druk op de knop en voer de nieuwe code in. Neem contact op met uw beheerder als dit blijft gebeuren.";
    TokenNotFound "tokenNotFound" => "We couldn't find a hardware token with this serial number that you may activate. Check the serial number, or contact your administrator.",
        "We kunnen geen hardwaretoken met dit serienummer vinden dat u mag activeren. Controleer het serienummer of neem contact op met uw beheerder.";

    PhoneTitle "phoneTitle" => "Phone", "Telefoon";
    PhoneIntro "phoneIntro" => "You can prove who you are by receiving a code on your phone, by text or by a call.",
        "U kunt bewijzen wie u bent door een code op uw telefoon te ontvangen, per sms of via een oproep.";
    PhoneKindLegend "phoneKindLegend" => "Which phone?", "Welke telefoon?";
    PhoneMobile "phoneMobile" => "Mobile phone", "Mobiele telefoon";
    PhoneOffice "phoneOffice" => "Office phone", "Kantoortelefoon";
    PhoneCountry "phoneCountry" => "Country or region", "Land of regio";
    PhoneNumber "phoneNumber" => "Phone number", "Telefoonnummer";
    PhoneExtension "phoneExtension" => "Extension (optional)", "Toestelnummer (optioneel)";
    PhoneModeLegend "phoneModeLegend" => "How should we send your code?", "Hoe moeten we uw code sturen?";
    PhoneTextMe "phoneTextMe" => "Text me a code", "Stuur mij een code per sms";
    PhoneCallMe "phoneCallMe" => "Call me", "Bel mij";
    PhoneOfficeNote "phoneOfficeNote" => "We'll call this number and read out a code.", "We bellen dit nummer en lezen een code voor.";
    PhoneSentText "phoneSentText" => "We just sent a {digits}-digit code to {detail}. Enter the code below.",
        "We hebben zojuist een code van {digits} cijfers naar {detail} gestuurd. Voer de code hieronder in.";
    PhoneSentCall "phoneSentCall" => "We're calling {detail} now. Enter the {digits}-digit code you hear.",
        "We bellen nu naar {detail}. Voer de code van {digits} cijfers in die u hoort.";
    PhoneSendTo "phoneSendTo" => "We'll send a code to {detail}.", "We sturen een code naar {detail}.";
    PhoneResend "phoneResend" => "Resend code", "Code opnieuw verzenden";
    PhoneResendWait "phoneResendWait" => "You can ask for a new code after {seconds} seconds.",
        "U kunt na {seconds} seconden een nieuwe code aanvragen.";
    PhoneResent "phoneResent" => "We sent a new code.", "We hebben een nieuwe code verzonden.";
    PhoneCountryMissing "phoneCountryMissing" => "Choose a country or region.", "Kies een land of regio.";
    PhoneNumberInvalid "phoneNumberInvalid" => "Enter a valid phone number for the country or region you chose.",
        "Voer een geldig telefoonnummer in voor het gekozen land of de gekozen regio.";
    PhoneExtensionInvalid "phoneExtensionInvalid" => "An extension has 1 to 10 digits.", "Een toestelnummer heeft 1 tot 10 cijfers.";
    PhoneCodeMalformed "phoneCodeMalformed" => "Enter the {digits}-digit code we sent you.",
        "Voer de code van {digits} cijfers in die we u hebben gestuurd.";
    PhoneCodeWrong "phoneCodeWrong" => "That code isn't right. Check the code we sent and try again.",
        "Die code is niet juist. Controleer de code die we hebben gestuurd en probeer het opnieuw.";
    PhoneCodeExpired "phoneCodeExpired" => "This code has expired or was tried too often. Ask for a new code.",
        "Deze code is verlopen of te vaak geprobeerd. Vraag een nieuwe code aan.";
    PhoneDeliveryFailed "phoneDeliveryFailed" => "We couldn't send the code. Check the number, or try again later.",
        "We konden de code niet verzenden. Controleer het nummer of probeer het later opnieuw.";
    ReplacesNote "replacesNote" => "This replaces {detail} once the new one is verified.",
        "Dit vervangt {detail} zodra het nieuwe is geverifieerd.";
    NotAllowedTypes "notAllowedTypes" => "Your organization doesn't allow: {types}.",
        "Uw organisatie staat niet toe: {types}.";

    EmailTitle "emailTitle" => "Email", "E-mail";
    EmailIntro "emailIntro" => "Enter the email address where we can send you a code when you reset your password.",
        "Voer het e-mailadres in waar we u een code kunnen sturen als u uw wachtwoord opnieuw instelt.";
    EmailAddress "emailAddress" => "Email address", "E-mailadres";
    EmailAddressInvalid "emailAddressInvalid" => "Enter a valid email address, like name@example.com.",
        "Voer een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.";
    EmailDeliveryFailed "emailDeliveryFailed" => "We couldn't send the code, try again.",
        "We konden de code niet verzenden, probeer het opnieuw.";

    QuestionsIntro "questionsIntro" => "Choose {count} questions and answer them. You can use your answers to reset your password.",
        "Kies {count} vragen en beantwoord ze. U kunt uw antwoorden gebruiken om uw wachtwoord opnieuw in te stellen.";
    QuestionsReplace "questionsReplace" => "Your new answers replace all of your current ones.",
        "Uw nieuwe antwoorden vervangen al uw huidige antwoorden.";
    QuestionLabel "questionLabel" => "Question {n}", "Vraag {n}";
    AnswerLabel "answerLabel" => "Answer {n}", "Antwoord {n}";
    QuestionChoose "questionChoose" => "Choose a question", "Kies een vraag";
    QuestionMissing "questionMissing" => "Choose question {n}.", "Kies vraag {n}.";
    AnswerTooShort "answerTooShort" => "Answer {n} needs at least {min} characters.",
        "Antwoord {n} moet minstens {min} tekens hebben.";
    QuestionsInvalid "questionsInvalid" => "Those answers can't be used. Check them and try again.",
        "Deze antwoorden kunnen niet worden gebruikt. Controleer ze en probeer het opnieuw.";
    OutboxTitle "outboxTitle" => "Outbox (demo)", "Postvak UIT (demo)";
    OutboxIntro "outboxIntro" => "The texts, calls and emails this demo sends arrive here instead of on a real phone or mailbox.",
        "De sms'jes, oproepen en e-mails die deze demo verstuurt, komen hier binnen in plaats van op een echte telefoon of in een echte mailbox.";
    OutboxRefresh "outboxRefresh" => "Refresh", "Vernieuwen";
    OutboxEmpty "outboxEmpty" => "No messages yet.", "Nog geen berichten.";
    OutboxText "outboxText" => "Text to {to}", "Sms naar {to}";
    OutboxCall "outboxCall" => "Call to {to}", "Oproep naar {to}";
    OutboxEmail "outboxEmail" => "Email to {to}", "E-mail naar {to}";

    KeyTitle "keyTitle" => "Security key", "Beveiligingssleutel";
    KeyIntro "keyIntro" => "Use a security key (USB, NFC or Bluetooth) that supports FIDO2, or a passkey on this device or phone.",
        "Gebruik een beveiligingssleutel (USB, NFC of Bluetooth) die FIDO2 ondersteunt, of een passkey op dit apparaat of uw telefoon.";
    KeyPinNote "keyPinNote" => "When your browser asks, insert or hold your key near the device, enter its PIN and touch it. No key PIN yet? Your browser will help you set one.",
        "Als uw browser erom vraagt, plaatst u de sleutel of houdt u deze bij het apparaat, voert u de pincode in en raakt u de sleutel aan. Nog geen pincode? Uw browser helpt u er een in te stellen.";
    KeyTouch "keyTouch" => "Touch your security key", "Raak uw beveiligingssleutel aan";
    KeyTouchHint "keyTouchHint" => "Follow your browser's instructions: enter your key's PIN and touch it.",
        "Volg de instructies van uw browser: voer de pincode van uw sleutel in en raak de sleutel aan.";
    KeyNameLabel "keyNameLabel" => "Name your security key", "Geef uw beveiligingssleutel een naam";
    KeyNameHint "keyNameHint" => "So you can tell your keys apart, e.g. \"Blue key on my keyring\".",
        "Zodat u uw sleutels uit elkaar kunt houden, bijvoorbeeld \"Blauwe sleutel aan mijn sleutelbos\".";
    KeyUse "keyUse" => "Use security key", "Beveiligingssleutel gebruiken";
    KeyVerifyBody "keyVerifyBody" => "Use your security key {name}: when your browser asks, enter its PIN and touch it.",
        "Gebruik uw beveiligingssleutel {name}: voer de pincode in en raak de sleutel aan als uw browser erom vraagt.";
    KeyUnsupported "keyUnsupported" => "This browser can't use security keys. Try another browser, such as a recent Chrome, Edge, Firefox or Safari.",
        "Deze browser kan geen beveiligingssleutels gebruiken. Probeer een andere browser, zoals een recente versie van Chrome, Edge, Firefox of Safari.";
    KeyCancelled "keyCancelled" => "The security key step was cancelled. Try again when you're ready.",
        "De stap met de beveiligingssleutel is geannuleerd. Probeer het opnieuw wanneer u klaar bent.";
    KeyTimedOut "keyTimedOut" => "Your security key wasn't touched in time. Try again.",
        "Uw beveiligingssleutel is niet op tijd aangeraakt. Probeer het opnieuw.";
    KeyAlreadyRegistered "keyAlreadyRegistered" => "This security key is already registered. Use another key.",
        "Deze beveiligingssleutel is al geregistreerd. Gebruik een andere sleutel.";
    KeyWrongOrigin "keyWrongOrigin" => "Security keys can't be used on this web address. Contact your administrator.",
        "Beveiligingssleutels kunnen niet worden gebruikt op dit webadres. Neem contact op met uw beheerder.";
    KeyNoPin "keyNoPin" => "This security key can't verify you with a PIN or fingerprint, which your organization requires. Set a PIN on the key, or use another key.",
        "Deze beveiligingssleutel kan u niet verifiëren met een pincode of vingerafdruk, wat uw organisatie vereist. Stel een pincode in op de sleutel of gebruik een andere sleutel.";
    KeyCloned "keyCloned" => "This security key may have been copied, so it was refused. Contact your administrator.",
        "Deze beveiligingssleutel is mogelijk gekopieerd en is daarom geweigerd. Neem contact op met uw beheerder.";
    KeyRejected "keyRejected" => "Your security key's answer wasn't accepted. Try again, or use another key.",
        "Het antwoord van uw beveiligingssleutel is niet geaccepteerd. Probeer het opnieuw of gebruik een andere sleutel.";

    DefaultTitle "defaultTitle" => "Change default method", "Standaardmethode wijzigen";
    DefaultPrompt "defaultPrompt" => "Which method would you like to use to sign in?", "Welke methode wilt u gebruiken om u aan te melden?";
    NoDefaultOptions "noDefaultOptions" => "Add a two-step verification method first.", "Voeg eerst een methode voor verificatie in twee stappen toe.";
    Confirm "confirm" => "Confirm", "Bevestigen";
    DefaultChanged "defaultChanged" => "Your default sign-in method is now: {name}", "Uw standaardaanmeldingsmethode is nu: {name}";

    DeleteTitle "deleteTitle" => "Delete {name}", "{name} verwijderen";
    ConfirmDelete "confirmDelete" => "Are you sure you would like to delete this method?", "Weet u zeker dat u deze methode wilt verwijderen?";
    CannotUndo "cannotUndo" => "This can't be undone.", "Dit kan niet ongedaan worden gemaakt.";
    RemoveFromAppWarning "removeFromAppWarning" => "After deleting it, also remove the account from the app on your phone.",
        "Verwijder daarna ook het account uit de app op uw telefoon.";
    Yes "yes" => "Yes", "Ja";
    No "no" => "No", "Nee";
    Deleted "deleted" => "{name} was deleted.", "{name} is verwijderd.";
    RemoveFromApp "removeFromApp" => "Also remove the account from the app on your phone.", "Verwijder het account ook uit de app op uw telefoon.";
    LastMethod "lastMethod" => "You can't delete your last two-step verification method. Add another one first.",
        "U kunt uw laatste methode voor verificatie in twee stappen niet verwijderen. Voeg eerst een andere methode toe.";
    Added "added" => "{name} was added.", "{name} is toegevoegd.";
    Renamed "renamed" => "The method was renamed to {name}.", "De naam van de methode is gewijzigd in {name}.";

    VerifyTitle "verifyTitle" => "Verify your identity", "Uw identiteit verifiëren";
    VerifyBody "verifyBody" => "Enter the code shown in your authenticator app ({name}).", "Voer de code in die uw authenticator-app weergeeft ({name}).";
    VerifyUnsupported "verifyUnsupported" => "This method can't be used here yet. Sign in another way.",
        "Deze methode kan hier nog niet worden gebruikt. Meld u op een andere manier aan.";
    NoVerifyMethods "noVerifyMethods" => "You have no method that can verify your identity here. Contact your administrator.",
        "U hebt geen methode waarmee u hier uw identiteit kunt verifiëren. Neem contact op met uw beheerder.";
    SignInOtherWay "signInOtherWay" => "Sign in another way", "Op een andere manier aanmelden";

    ErrNetwork "errNetwork" => "We couldn't reach the server. Check your connection and try again.",
        "De server is niet bereikbaar. Controleer uw verbinding en probeer het opnieuw.";
    ErrTimeout "errTimeout" => "The server took too long to answer. Try again.", "De server reageerde niet op tijd. Probeer het opnieuw.";
    ErrServer "errServer" => "Something went wrong on our side. Try again.", "Er is aan onze kant iets misgegaan. Probeer het opnieuw.";
    ErrUnexpected "errUnexpected" => "The server gave an answer we didn't understand. Try again.",
        "De server gaf een antwoord dat we niet begrepen. Probeer het opnieuw.";
    ErrUnauthenticated "errUnauthenticated" => "Your session has ended. Sign in again.", "Uw sessie is beëindigd. Meld u opnieuw aan.";
    ErrNotAllowed "errNotAllowed" => "Your organization doesn't allow this. Contact your administrator.",
        "Uw organisatie staat dit niet toe. Neem contact op met uw beheerder.";
    ErrForbidden "errForbidden" => "You're not allowed to do this.", "U mag dit niet doen.";
    ErrNotFound "errNotFound" => "That method no longer exists.", "Die methode bestaat niet meer.";
    ErrCodeReused "errCodeReused" => "That code was already used. Wait for the next code in your app.",
        "Die code is al gebruikt. Wacht op de volgende code in uw app.";
    ErrExpired "errExpired" => "This has expired. Start again.", "Dit is verlopen. Begin opnieuw.";
    ErrRateLimited "errRateLimited" => "Too many attempts. Wait {seconds} seconds and try again.",
        "Te veel pogingen. Wacht {seconds} seconden en probeer het opnieuw.";
    ErrLimit "errLimit" => "You already have the most authenticator apps or hardware tokens allowed. Please contact your administrator to delete one of them.",
        "U hebt al het maximale aantal authenticator-apps of hardwaretokens. Neem contact op met uw beheerder om er een te verwijderen.";
    ErrValidation "errValidation" => "Check what you entered and try again.", "Controleer wat u hebt ingevoerd en probeer het opnieuw.";
    ErrStepUp "errStepUp" => "Verify your identity to make this change.", "Verifieer uw identiteit om deze wijziging aan te brengen.";
    ErrCancelled "errCancelled" => "The change was not made.", "De wijziging is niet doorgevoerd.";
    ErrRandom "errRandom" => "Your browser couldn't create a secure key.", "Uw browser kan geen veilige sleutel maken.";
}

/// The locales whose texts ship in the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    En,
    Nl,
}

impl Builtin {
    fn tag(self) -> &'static str {
        match self {
            Builtin::En => "en",
            Builtin::Nl => "nl",
        }
    }
}

/// Strings that are the same word in Dutch (abbreviations and loanwords).
pub const SAME_IN_DUTCH: &[Key] = &[Key::Url, Key::CodeLabel, Key::ActivationCode];

/// The resolved translations of one component instance: a built-in table (English, or
/// the base of a host locale), the host's locale table if any, and per-key overrides.
///
/// `T` is where the built-in texts come from: [`All`] of them, or only the first paint's
/// ([`FirstPaint`], see [`I18n::first_paint`]), so that code which only paints the list
/// does not reference (and the split build's main wasm does not hold) the rest.
#[derive(Debug, Clone)]
pub struct I18n<T = All> {
    lang: String,
    builtin: Builtin,
    host: Arc<HashMap<String, String>>,
    texts: PhantomData<T>,
}

/// Where an [`I18n`] finds a key's built-in text and name.
pub trait Texts {
    fn text(key: Key, locale: Builtin) -> &'static str;
    fn name(key: Key) -> &'static str;
}

/// Every text.
#[derive(Debug, Clone, Copy)]
pub struct All;

impl Texts for All {
    fn text(key: Key, locale: Builtin) -> &'static str {
        key.text(locale)
    }
    fn name(key: Key) -> &'static str {
        key.name()
    }
}

/// Only the first paint's texts ([`Key::FIRST_PAINT`]); any other key reads as empty
/// (the markup test in tests/first_paint.rs would show it).
#[derive(Debug, Clone, Copy)]
pub struct FirstPaint;

impl Texts for FirstPaint {
    fn text(key: Key, locale: Builtin) -> &'static str {
        key.first_paint_text(locale).unwrap_or_default()
    }
    fn name(key: Key) -> &'static str {
        key.first_paint_name().unwrap_or_default()
    }
}

impl Default for I18n {
    fn default() -> Self {
        Self {
            lang: "en".to_owned(),
            builtin: Builtin::En,
            host: Arc::default(),
            texts: PhantomData,
        }
    }
}

impl I18n {
    /// The same translations, with only the first paint's built-in texts.
    pub fn first_paint(&self) -> I18n<FirstPaint> {
        I18n {
            lang: self.lang.clone(),
            builtin: self.builtin,
            host: self.host.clone(),
            texts: PhantomData,
        }
    }

    /// Picks the locale: the host's choice first, else the browser's preferences, the
    /// first one that is built in or added by the host; English otherwise.
    ///
    /// `locales` are host-added tables (key name → text; missing keys fall back to
    /// English); `overrides` replace single keys in whatever locale is chosen.
    pub fn resolve(
        wanted: &[String],
        locales: &HashMap<String, HashMap<String, String>>,
        overrides: &HashMap<String, String>,
    ) -> Self {
        let matches = |tag: &str, candidate: &str| {
            let tag = tag.to_ascii_lowercase();
            let candidate = candidate.to_ascii_lowercase();
            tag == candidate || tag.split('-').next() == Some(candidate.as_str())
        };
        let mut chosen = Self::default();
        'search: for tag in wanted {
            if let Some((name, table)) = locales.iter().find(|(name, _)| matches(tag, name)) {
                chosen = Self {
                    lang: name.clone(),
                    builtin: Builtin::En,
                    host: Arc::new(table.clone()),
                    texts: PhantomData,
                };
                break 'search;
            }
            for builtin in [Builtin::En, Builtin::Nl] {
                if matches(tag, builtin.tag()) {
                    chosen = Self {
                        lang: builtin.tag().to_owned(),
                        builtin,
                        host: Arc::default(),
                        texts: PhantomData,
                    };
                    break 'search;
                }
            }
        }
        if !overrides.is_empty() {
            let mut table = (*chosen.host).clone();
            table.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
            chosen.host = Arc::new(table);
        }
        chosen
    }
}

impl<T: Texts> I18n<T> {
    /// The BCP 47 tag for the component root's `lang` attribute.
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// Dutch texts are used (numbers in words follow the language).
    pub fn is_dutch(&self) -> bool {
        self.builtin == Builtin::Nl
    }

    /// The text of `key`.
    pub fn t(&self, key: Key) -> String {
        self.host
            .get(T::name(key))
            .cloned()
            .unwrap_or_else(|| T::text(key, self.builtin).to_owned())
    }

    /// The text of `key` with its `{name}` placeholders filled.
    pub fn fmt(&self, key: Key, args: &[(&str, &str)]) -> String {
        let text = self.t(key);
        let mut out = String::with_capacity(text.len());
        for (before, placeholder) in placeholders(&text) {
            out.push_str(before);
            if let Some(name) = placeholder {
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(value),
                    None => out.extend(["{", name, "}"]),
                }
            }
        }
        out
    }

    /// The text of `key` around a user-provided `name` (its first `{name}` placeholder).
    pub fn named(&self, key: Key, name: &str) -> Named {
        let text = self.t(key);
        let mut named = Named::default();
        let mut seen = false;
        for (before, placeholder) in placeholders(&text) {
            let into = if seen {
                &mut named.after
            } else {
                &mut named.before
            };
            into.push_str(before);
            match placeholder {
                Some("name") if !seen => {
                    named.name = name.to_owned();
                    seen = true;
                }
                Some(other) => into.extend(["{", other, "}"]),
                None => {}
            }
        }
        named
    }

    /// A small number in words, in this locale (the limit message writes "five").
    pub fn number(&self, n: u32) -> String {
        if self.is_dutch() {
            security_info_core::methods::dutch_number(n)
        } else if self.lang == "en" {
            security_info_core::methods::english_number(n)
        } else {
            n.to_string()
        }
    }

    /// The display name of a method type.
    pub fn method_type(&self, t: MethodType) -> String {
        self.t(match t {
            MethodType::AuthenticatorPush => Key::TypeAuthenticatorPush,
            MethodType::Totp => Key::TypeTotp,
            MethodType::Phone => Key::TypePhone,
            MethodType::SecurityKey => Key::TypeSecurityKey,
            MethodType::Email => Key::TypeEmail,
            MethodType::SecurityQuestions => Key::TypeSecurityQuestions,
        })
    }

    /// How a (method, mode) pair reads as default sign-in method (screen D).
    pub fn default_mode(&self, mode: DefaultMode, detail: Option<&str>) -> String {
        let key = match mode {
            DefaultMode::Notification => Key::ModeNotification,
            DefaultMode::Code => Key::ModeCode,
            DefaultMode::Text => Key::ModeText,
            DefaultMode::Call => Key::ModeCall,
            DefaultMode::Key => Key::ModeKey,
        };
        self.fmt(key, &[("detail", detail.unwrap_or_default())])
            .trim_end()
            .to_owned()
    }
}

/// Splits `text` at its `{placeholder}`s: the text before each and the placeholder's
/// name, then the rest with `None`. By hand because `str::replace` and `split_once` with a
/// string pattern bring a substring searcher into the first load.
fn placeholders(text: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        if let Some(open) = current.find('{')
            && let Some(close) = current[open..].find('}')
        {
            rest = Some(&current[open + close + 1..]);
            return Some((&current[..open], Some(&current[open + 1..open + close])));
        }
        rest = None;
        Some((current, None))
    })
}

/// A sentence around one user-provided value (a method name, a phone number), kept apart
/// so that its view puts the value in a `<bdi>`: bidi controls in it (U+202E …) then
/// cannot reorder the words around it, whichever server sent it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Named {
    pub before: String,
    pub name: String,
    pub after: String,
}

impl From<String> for Named {
    /// A sentence without a user-provided value.
    fn from(before: String) -> Self {
        Named {
            before,
            ..Named::default()
        }
    }
}

impl Named {
    /// Type-erased: one copy of its rendering for every place that shows one.
    pub fn view(self) -> AnyView {
        let name = (!self.name.is_empty()).then(|| view! { <bdi>{self.name}</bdi> });
        view! { {self.before}{name}{self.after} }.into_any()
    }
}

/// The translations of the enclosing component; English outside one (a [`QrPanel`]
/// used on its own).
///
/// [`QrPanel`]: crate::QrPanel
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_default()
}

/// The browser's language preferences, most preferred first.
pub fn browser_languages() -> Vec<String> {
    let navigator = window().navigator();
    let mut tags: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if tags.is_empty() {
        tags.extend(navigator.language());
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_and_unknown_ones_kept() {
        let host = HashMap::from([("stepOf".to_owned(), "{n}/{m} {x} {n}".to_owned())]);
        let i18n = I18n::resolve(&["en".into()], &HashMap::new(), &host);
        // A value that looks like a placeholder is not filled again.
        assert_eq!(
            i18n.fmt(Key::StepOf, &[("n", "{m}"), ("m", "4")]),
            "{m}/4 {x} {m}"
        );
        let host = HashMap::from([("deleted".to_owned(), "a {x} {name} b {name} {".to_owned())]);
        let named = I18n::resolve(&["en".into()], &HashMap::new(), &host).named(Key::Deleted, "K");
        assert_eq!(
            (named.before.as_str(), named.name.as_str()),
            ("a {x} ", "K")
        );
        assert_eq!(named.after, " b {name} {");
    }

    #[test]
    fn the_first_paint_texts_are_the_same_texts() {
        let nl = I18n::resolve(&["nl".into()], &HashMap::new(), &HashMap::new());
        for &key in Key::FIRST_PAINT {
            assert_eq!(nl.first_paint().t(key), nl.t(key), "{}", key.name());
            assert!(!nl.t(key).is_empty());
        }
        assert_eq!(
            nl.first_paint().t(Key::Save),
            nl.t(Key::Save),
            "Save is a first-paint key"
        );
        assert_eq!(nl.first_paint().t(Key::Added), "", "not a first-paint key");
    }

    #[test]
    fn dutch_is_complete_and_translated() {
        for &key in Key::ALL {
            let en = key.text(Builtin::En);
            let nl = key.text(Builtin::Nl);
            assert!(!nl.trim().is_empty(), "{} has no Dutch text", key.name());
            if !SAME_IN_DUTCH.contains(&key) {
                assert_ne!(en, nl, "{} is not translated", key.name());
            }
        }
    }

    #[test]
    fn placeholders_match_between_locales() {
        let placeholders = |s: &str| {
            let mut found: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_owned()))
                .collect();
            found.sort();
            found
        };
        for &key in Key::ALL {
            assert_eq!(
                placeholders(key.text(Builtin::En)),
                placeholders(key.text(Builtin::Nl)),
                "{}",
                key.name()
            );
        }
    }

    #[test]
    fn key_names_are_unique_and_parse() {
        for &key in Key::ALL {
            assert_eq!(Key::parse(key.name()), Some(key));
        }
    }

    #[test]
    fn resolves_browser_and_host_locales_with_overrides() {
        let none = HashMap::new();
        let no_overrides = HashMap::new();
        assert_eq!(
            I18n::resolve(&["nl-BE".into()], &none, &no_overrides).t(Key::Title),
            "Beveiligingsgegevens"
        );
        assert_eq!(
            I18n::resolve(&["fr".into()], &none, &no_overrides).t(Key::Title),
            "Security info"
        );
        let de = HashMap::from([(
            "de".to_owned(),
            HashMap::from([("title".to_owned(), "Sicherheitsinformationen".to_owned())]),
        )]);
        let german = I18n::resolve(&["de-DE".into(), "nl".into()], &de, &no_overrides);
        assert_eq!(german.lang(), "de");
        assert_eq!(german.t(Key::Title), "Sicherheitsinformationen");
        assert_eq!(german.t(Key::Delete), "Delete", "falls back to English");
        let overrides = HashMap::from([("delete".to_owned(), "Wissen".to_owned())]);
        let dutch = I18n::resolve(&["nl".into()], &none, &overrides);
        assert_eq!(dutch.t(Key::Delete), "Wissen");
        assert_eq!(dutch.t(Key::Title), "Beveiligingsgegevens");
        assert_eq!(
            dutch.fmt(Key::StepOf, &[("n", "2"), ("m", "4")]),
            "Stap 2 van 4"
        );
    }

    #[test]
    fn named_keeps_the_name_apart_in_any_word_order() {
        let name = "\u{202E}abc";
        let en = I18n::default().named(Key::Deleted, name);
        assert_eq!(
            (en.before.as_str(), en.name.as_str(), en.after.as_str()),
            ("", name, " was deleted.")
        );
        let locales = HashMap::new();
        let nl =
            I18n::resolve(&["nl".into()], &locales, &HashMap::new()).named(Key::DeleteTitle, name);
        assert_eq!(
            (nl.name.as_str(), nl.after.as_str()),
            (name, " verwijderen")
        );
        // A host text without the placeholder has no name in it.
        let overrides = HashMap::from([("deleted".to_owned(), "Gone.".to_owned())]);
        let host = I18n::resolve(&["en".into()], &locales, &overrides).named(Key::Deleted, name);
        assert_eq!(host, Named::from("Gone.".to_owned()));
    }

    #[test]
    fn limit_message_matches_the_spec_in_english() {
        let en = I18n::default();
        assert_eq!(
            en.fmt(
                Key::LimitReached,
                &[
                    ("product", "Microsoft Authenticator"),
                    ("count", &en.number(5))
                ]
            ),
            security_info_core::methods::limit_reached_message("Microsoft Authenticator", 5)
        );
    }
}
