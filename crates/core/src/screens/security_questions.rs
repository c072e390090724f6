//! Security questions (SPEC section 2, H; password reset only): the person picks the
//! required number of different questions from the administrator's list and answers
//! each. One select per answer; each select offers the questions the others have not
//! taken. Sending a set again replaces the earlier one as a whole ("Change"). The server
//! folds the answers (NFKC, trimmed, lower-cased), checks again and stores only hashes.

use crate::api::{SecurityAnswer, SecurityAnswersRequest, SecurityQuestion, SecurityQuestions};

/// Fewest characters of an answer (after trimming; the server counts after folding).
pub const MIN_ANSWER_CHARS: usize = 3;

/// Why the form was not sent; the number is the answer's place (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No question picked for this answer.
    QuestionMissing(usize),
    /// The answer is shorter than [`MIN_ANSWER_CHARS`].
    AnswerTooShort(usize),
}

impl Refusal {
    /// The answer's place the refusal is about.
    pub fn slot(self) -> usize {
        match self {
            Refusal::QuestionMissing(i) | Refusal::AnswerTooShort(i) => i,
        }
    }
}

/// One answer: the question picked for it (its id) and the answer as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Slot {
    pub question: Option<String>,
    pub answer: String,
}

/// The questions offered and the answers so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswersForm {
    pub questions: Vec<SecurityQuestion>,
    pub slots: Vec<Slot>,
}

impl AnswersForm {
    /// An empty form with one slot per required answer.
    pub fn new(offered: SecurityQuestions) -> Self {
        let required = usize::try_from(offered.required).unwrap_or(0);
        Self {
            questions: offered.questions,
            slots: vec![Slot::default(); required],
        }
    }

    /// The questions the select of `slot` offers: all but those the other slots took,
    /// in the administrator's order.
    pub fn choices(&self, slot: usize) -> Vec<&SecurityQuestion> {
        self.questions
            .iter()
            .filter(|q| {
                !self
                    .slots
                    .iter()
                    .enumerate()
                    .any(|(i, s)| i != slot && s.question.as_deref() == Some(q.id.as_str()))
            })
            .collect()
    }

    /// Picks question `id` for `slot` (an empty or unknown id: none). A question another
    /// slot holds moves here (the selects never offer it; this keeps the set distinct).
    pub fn choose(&mut self, slot: usize, id: &str) {
        let known = self.questions.iter().any(|q| q.id == id);
        let picked = known.then(|| id.to_owned());
        if picked.is_some() {
            for (i, s) in self.slots.iter_mut().enumerate() {
                if i != slot && s.question == picked {
                    s.question = None;
                }
            }
        }
        if let Some(s) = self.slots.get_mut(slot) {
            s.question = picked;
        }
    }

    /// Sets the answer of `slot` as typed.
    pub fn answer(&mut self, slot: usize, text: &str) {
        if let Some(s) = self.slots.get_mut(slot) {
            s.answer = text.to_owned();
        }
    }

    /// The request for the whole set (answers trimmed), or the first thing missing.
    pub fn request(&self) -> Result<SecurityAnswersRequest, Refusal> {
        let answers = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let question_id = s.question.clone().ok_or(Refusal::QuestionMissing(i))?;
                let answer = s.answer.trim();
                if answer.chars().count() < MIN_ANSWER_CHARS {
                    return Err(Refusal::AnswerTooShort(i));
                }
                Ok(SecurityAnswer {
                    question_id,
                    answer: answer.to_owned(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SecurityAnswersRequest { answers })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(required: u32) -> AnswersForm {
        AnswersForm::new(SecurityQuestions {
            required,
            questions: ["q1", "q2", "q3", "q4"]
                .into_iter()
                .map(|id| SecurityQuestion {
                    id: id.into(),
                    text: format!("Question {id}?"),
                })
                .collect(),
        })
    }

    fn ids(choices: Vec<&SecurityQuestion>) -> Vec<&str> {
        choices.into_iter().map(|q| q.id.as_str()).collect()
    }

    #[test]
    fn one_slot_per_required_answer() {
        assert_eq!(form(3).slots.len(), 3);
        assert_eq!(form(1).slots, [Slot::default()]);
    }

    #[test]
    fn each_select_leaves_out_the_questions_the_others_took() {
        let mut f = form(3);
        assert_eq!(ids(f.choices(0)), ["q1", "q2", "q3", "q4"]);
        f.choose(0, "q2");
        f.choose(1, "q4");
        assert_eq!(ids(f.choices(0)), ["q1", "q2", "q3"], "its own stays");
        assert_eq!(ids(f.choices(1)), ["q1", "q3", "q4"]);
        assert_eq!(ids(f.choices(2)), ["q1", "q3"]);
        // Taking a question another slot holds moves it: the set stays distinct.
        f.choose(2, "q2");
        assert_eq!(f.slots[0].question, None);
        assert_eq!(f.slots[2].question.as_deref(), Some("q2"));
        // Unknown or empty ids clear the choice.
        f.choose(1, "nope");
        assert_eq!(f.slots[1].question, None);
        f.choose(9, "q1");
        assert_eq!(f.slots.len(), 3, "no slot outside the form");
    }

    #[test]
    fn every_slot_needs_a_question_and_an_answer_of_three_characters() {
        let mut f = form(2);
        assert_eq!(f.request(), Err(Refusal::QuestionMissing(0)));
        f.choose(0, "q1");
        f.answer(0, "  ab  ");
        assert_eq!(f.request(), Err(Refusal::AnswerTooShort(0)));
        f.answer(0, " Amsterdam ");
        assert_eq!(f.request(), Err(Refusal::QuestionMissing(1)));
        f.choose(1, "q3");
        f.answer(1, "Ĳs");
        assert_eq!(f.request(), Err(Refusal::AnswerTooShort(1)));
        assert_eq!(Refusal::AnswerTooShort(1).slot(), 1);
        f.answer(1, "Rex");
        let request = f.request().unwrap();
        assert_eq!(
            request.answers,
            [
                SecurityAnswer {
                    question_id: "q1".into(),
                    answer: "Amsterdam".into()
                },
                SecurityAnswer {
                    question_id: "q3".into(),
                    answer: "Rex".into()
                },
            ]
        );
    }
}
