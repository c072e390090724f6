//! Screen C: the authenticator wizard's steps and paths.
//!
//! Both paths share the steps "Set up your account" → "Scan the QR code"; the product's
//! own app adds "Get the app" first. The push path ([`Path::Push`], SPEC C's default
//! when the policy allows push) shows an activation QR code and then [`Step::TryIt`]:
//! approve a test notification with the number shown.

use crate::push::ChallengeState;

/// The wizard's screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    GetApp,
    SetUp,
    Scan,
    Code,
    /// "Let's try it out": approve the test notification with the number shown.
    TryIt,
    Done,
}

/// Which app the person uses: the product's own app (all steps), or "a different
/// authenticator app" (no download step, generic wording).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    App,
    OtherApp,
    /// The product's app with notifications: activation by QR, then a test notification.
    Push,
}

impl Path {
    /// The numbered steps ("Step n of m"); [`Step::Done`] is not numbered.
    pub fn steps(self) -> &'static [Step] {
        match self {
            Path::App => &[Step::GetApp, Step::SetUp, Step::Scan, Step::Code],
            Path::OtherApp => &[Step::SetUp, Step::Scan, Step::Code],
            Path::Push => &[Step::GetApp, Step::SetUp, Step::Scan, Step::TryIt],
        }
    }
}

/// What "Next" (or Enter) asks the component to do besides showing the new step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Only the step changed.
    Moved,
    /// Open an enrolment on the server (limit, policy and step-up are checked there
    /// before any secret exists); call [`Wizard::enrolment_opened`] when it answers.
    OpenEnrolment,
    /// Check the typed code and send it; call [`Wizard::code_accepted`] on success.
    SubmitCode,
    /// Send the test notification (again); call [`Wizard::notification_sent`] when the
    /// server answers.
    SendTest,
    /// The test notification was approved: finish the enrolment; call
    /// [`Wizard::code_accepted`] when the server stored the method.
    FinishPush,
    /// The wizard is finished: close it.
    Close,
}

/// What "Let's try it out" says about the test notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryIt {
    /// Sending it.
    Sending,
    /// "Approve the notification we're sending to your app by entering the number
    /// shown below", and the number.
    Waiting,
    /// "Notification approved".
    Approved,
    /// Denied on the device.
    Denied,
    /// The number typed on the device was not the one shown.
    WrongNumber,
    /// Not answered in time.
    Expired,
}

impl TryIt {
    /// What the browser shows for a challenge in `state`.
    pub fn of(state: ChallengeState) -> TryIt {
        match state {
            ChallengeState::Pending => TryIt::Waiting,
            ChallengeState::Approved | ChallengeState::Completed => TryIt::Approved,
            ChallengeState::Denied => TryIt::Denied,
            ChallengeState::WrongNumber => TryIt::WrongNumber,
            ChallengeState::Expired => TryIt::Expired,
        }
    }

    /// "Resend notification" is offered.
    pub fn offers_resend(self) -> bool {
        matches!(self, TryIt::Denied | TryIt::WrongNumber | TryIt::Expired)
    }

    /// Still waiting for the device: keep asking the server.
    pub fn is_waiting(self) -> bool {
        self == TryIt::Waiting
    }
}

/// Where the wizard is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wizard {
    path: Path,
    step: Step,
    /// An enrolment is open (the QR code can be shown).
    enrolment: bool,
    /// The test notification on [`Step::TryIt`].
    try_it: TryIt,
}

impl Wizard {
    /// A wizard at its first step; `other_app` starts on the code-only path.
    pub fn new(other_app: bool) -> Self {
        let path = if other_app { Path::OtherApp } else { Path::App };
        Self {
            path,
            step: path.steps()[0],
            enrolment: false,
            try_it: TryIt::Sending,
        }
    }

    /// A wizard for the product's app with notifications ([`Path::Push`]).
    pub fn push() -> Self {
        Self {
            path: Path::Push,
            ..Self::new(false)
        }
    }

    pub fn try_it(&self) -> TryIt {
        self.try_it
    }

    /// The test notification was sent (again): wait for its answer.
    pub fn notification_sent(&mut self) {
        self.try_it = TryIt::Waiting;
    }

    /// The server says the test notification is in `state` now.
    pub fn notification_is(&mut self, state: ChallengeState) {
        if self.step == Step::TryIt {
            self.try_it = TryIt::of(state);
        }
    }

    /// The server refused to send the test notification because no device activated
    /// yet: back to "Scan the QR code".
    pub fn test_refused(&mut self) {
        if self.step == Step::TryIt {
            self.step = Step::Scan;
            self.try_it = TryIt::Sending;
        }
    }

    /// "Resend notification": only after a denial, a wrong number or expiry.
    pub fn resend(&mut self) -> Next {
        if self.step == Step::TryIt && self.try_it.offers_resend() {
            self.try_it = TryIt::Sending;
            Next::SendTest
        } else {
            Next::Moved
        }
    }

    pub fn step(&self) -> Step {
        self.step
    }

    pub fn path(&self) -> Path {
        self.path
    }

    pub fn has_enrolment(&self) -> bool {
        self.enrolment
    }

    /// "Step n of m" as (n, m), 1-based; `None` on [`Step::Done`].
    pub fn position(&self) -> Option<(usize, usize)> {
        let steps = self.path.steps();
        let i = steps.iter().position(|s| *s == self.step)?;
        Some((i + 1, steps.len()))
    }

    /// "Back" is offered after the first step, and not once the method exists (nor
    /// once a device activated: the test notification is what is left).
    pub fn can_go_back(&self) -> bool {
        !matches!(self.step, Step::Done | Step::TryIt)
            && self.position().is_some_and(|(n, _)| n > 1)
    }

    /// "I want to set up a different method" is offered on the first step only.
    pub fn offers_other_method(&self) -> bool {
        matches!(self.step, Step::GetApp | Step::SetUp)
            && self.position() == Some((1, self.path.steps().len()))
    }

    /// "Next" on the current step.
    pub fn forward(&mut self) -> Next {
        match self.step {
            Step::GetApp => self.go(Step::SetUp),
            Step::SetUp if self.enrolment => self.go(Step::Scan),
            Step::SetUp => Next::OpenEnrolment,
            Step::Scan if self.enrolment && self.path == Path::Push => {
                self.step = Step::TryIt;
                self.try_it = TryIt::Sending;
                Next::SendTest
            }
            Step::Scan if self.enrolment => self.go(Step::Code),
            // The QR code is not there yet: nothing to move on from.
            Step::Scan => Next::Moved,
            Step::Code => Next::SubmitCode,
            Step::TryIt if self.try_it == TryIt::Approved => Next::FinishPush,
            Step::TryIt => Next::Moved,
            Step::Done => Next::Close,
        }
    }

    /// One step back on the current path.
    pub fn back(&mut self) {
        if self.can_go_back() {
            let steps = self.path.steps();
            if let Some(i) = steps.iter().position(|s| *s == self.step) {
                self.step = steps[i - 1];
            }
        }
    }

    /// "I want to use a different authenticator app" (on "Get the app").
    pub fn use_other_app(&mut self) {
        self.path = Path::OtherApp;
        self.step = Step::SetUp;
    }

    /// The server opened the enrolment: show the QR code.
    pub fn enrolment_opened(&mut self) {
        self.enrolment = true;
        self.step = Step::Scan;
    }

    /// The server refused the code because the enrolment expired: the next attempt
    /// needs a new enrolment (and a new secret).
    pub fn enrolment_expired(&mut self) {
        self.enrolment = false;
    }

    /// The server stored the method.
    pub fn code_accepted(&mut self) {
        self.step = Step::Done;
    }

    fn go(&mut self, to: Step) -> Next {
        self.step = to;
        Next::Moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_path_walks_every_step() {
        let mut w = Wizard::new(false);
        assert_eq!((w.step(), w.position()), (Step::GetApp, Some((1, 4))));
        assert!(w.offers_other_method() && !w.can_go_back());
        assert_eq!(w.forward(), Next::Moved);
        assert_eq!((w.step(), w.position()), (Step::SetUp, Some((2, 4))));
        assert!(!w.offers_other_method() && w.can_go_back());
        assert_eq!(w.forward(), Next::OpenEnrolment);
        assert_eq!(w.step(), Step::SetUp, "waits for the server");
        w.enrolment_opened();
        assert_eq!((w.step(), w.position()), (Step::Scan, Some((3, 4))));
        assert_eq!(w.forward(), Next::Moved);
        assert_eq!((w.step(), w.position()), (Step::Code, Some((4, 4))));
        assert_eq!(w.forward(), Next::SubmitCode);
        w.code_accepted();
        assert_eq!((w.step(), w.position()), (Step::Done, None));
        assert!(!w.can_go_back() && !w.offers_other_method());
        assert_eq!(w.forward(), Next::Close);
    }

    #[test]
    fn push_path_scans_then_tries_a_notification() {
        let mut w = Wizard::push();
        assert_eq!(
            (w.path(), w.step(), w.position()),
            (Path::Push, Step::GetApp, Some((1, 4)))
        );
        w.forward();
        assert_eq!(w.forward(), Next::OpenEnrolment);
        w.enrolment_opened();
        assert_eq!((w.step(), w.position()), (Step::Scan, Some((3, 4))));
        assert_eq!(w.forward(), Next::SendTest);
        assert_eq!((w.step(), w.position()), (Step::TryIt, Some((4, 4))));
        assert!(
            !w.can_go_back(),
            "the device is activated: no way back to the QR code"
        );
        assert_eq!(w.try_it(), TryIt::Sending);
        w.notification_sent();
        assert_eq!(w.forward(), Next::Moved, "nothing to do while waiting");
        assert_eq!(w.resend(), Next::Moved, "no resend while waiting");
        w.notification_is(ChallengeState::Pending);
        assert!(w.try_it().is_waiting());
        w.notification_is(ChallengeState::WrongNumber);
        assert_eq!(w.try_it(), TryIt::WrongNumber);
        assert!(w.try_it().offers_resend());
        assert_eq!(w.resend(), Next::SendTest);
        w.notification_sent();
        w.notification_is(ChallengeState::Expired);
        assert!(w.try_it().offers_resend());
        w.resend();
        w.notification_sent();
        w.notification_is(ChallengeState::Approved);
        assert_eq!(w.try_it(), TryIt::Approved);
        assert!(!w.try_it().offers_resend());
        assert_eq!(w.forward(), Next::FinishPush);
        w.code_accepted();
        assert_eq!((w.step(), w.forward()), (Step::Done, Next::Close));
    }

    #[test]
    fn a_refused_test_goes_back_to_the_qr_code() {
        let mut w = Wizard::push();
        w.forward();
        w.forward();
        w.enrolment_opened();
        assert_eq!(w.forward(), Next::SendTest);
        w.test_refused();
        assert_eq!(w.step(), Step::Scan);
        assert_eq!(w.forward(), Next::SendTest, "scan, then try again");
    }

    #[test]
    fn push_path_can_switch_to_another_app() {
        let mut w = Wizard::push();
        w.use_other_app();
        assert_eq!((w.path(), w.step()), (Path::OtherApp, Step::SetUp));
        w.forward();
        w.enrolment_opened();
        assert_eq!(w.forward(), Next::Moved);
        assert_eq!(w.step(), Step::Code);
    }

    #[test]
    fn other_app_path_skips_the_download() {
        let mut w = Wizard::new(true);
        assert_eq!(
            (w.path(), w.step(), w.position()),
            (Path::OtherApp, Step::SetUp, Some((1, 3)))
        );
        assert!(w.offers_other_method() && !w.can_go_back());
        assert_eq!(w.forward(), Next::OpenEnrolment);
        w.enrolment_opened();
        assert_eq!(w.position(), Some((2, 3)));
        w.forward();
        assert_eq!((w.step(), w.position()), (Step::Code, Some((3, 3))));
    }

    #[test]
    fn switching_to_another_app_from_get_the_app() {
        let mut w = Wizard::new(false);
        w.use_other_app();
        assert_eq!(
            (w.path(), w.step(), w.position()),
            (Path::OtherApp, Step::SetUp, Some((1, 3)))
        );
        assert!(w.offers_other_method(), "first step of the new path");
        w.back();
        assert_eq!(w.step(), Step::SetUp, "nothing before the first step");
    }

    #[test]
    fn back_walks_the_path_and_keeps_the_enrolment() {
        let mut w = Wizard::new(false);
        w.forward();
        w.forward();
        w.enrolment_opened();
        w.forward();
        assert_eq!(w.step(), Step::Code);
        w.back();
        assert_eq!(w.step(), Step::Scan);
        w.back();
        assert_eq!(w.step(), Step::SetUp);
        // The open enrolment (and its secret) is reused: no second request.
        assert_eq!(w.forward(), Next::Moved);
        assert_eq!(w.step(), Step::Scan);
        w.back();
        w.back();
        assert_eq!(w.step(), Step::GetApp);
        w.back();
        assert_eq!(w.step(), Step::GetApp);
    }

    #[test]
    fn an_expired_enrolment_is_opened_again() {
        let mut w = Wizard::new(true);
        w.forward();
        w.enrolment_opened();
        w.forward();
        w.enrolment_expired();
        assert!(!w.has_enrolment());
        assert_eq!(w.step(), Step::Code, "the error shows on the code step");
        w.back();
        assert_eq!(w.forward(), Next::Moved, "no QR without an enrolment");
        assert_eq!(w.step(), Step::Scan);
        w.back();
        assert_eq!(w.forward(), Next::OpenEnrolment);
    }
}
