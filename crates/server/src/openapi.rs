//! What every area's OpenAPI annotations share: the tag, and the one error response.

use security_info_core::api::PROBLEM_JSON;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};

pub const TAG: &str = "security-info";

/// The error answer of every route: an RFC 9457 problem as `application/problem+json`.
/// Paths name it as `(status = …, response = ProblemResponse)`, so the content type is
/// written down once; the problem's `code` says which error it is.
pub struct ProblemResponse;

impl<'s> utoipa::ToResponse<'s> for ProblemResponse {
    fn response() -> (&'s str, RefOr<Response>) {
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build();
        let response = ResponseBuilder::new()
            .description("A problem (RFC 9457); `code` says which (see ErrorCode)")
            .content(PROBLEM_JSON, content)
            .build();
        ("Problem", response.into())
    }
}
