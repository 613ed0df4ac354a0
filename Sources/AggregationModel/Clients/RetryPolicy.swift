public import SimCore

/// What a client does after a response: send the same request again after a wait, or return the
/// response to its caller.
public enum RetryDecision: Hashable, Sendable {
  /// Retry once `after` has passed (then pass the client's token bucket again).
  case retry(after: SimDuration)
  /// Return the response as is.
  case giveUp
}

/// client-go's retry of a REST request (`rest/request.go`, `rest/with_retry.go` `IsNextRetry`,
/// `checkWait`): a 429 or any 5xx is retried only when it carries `Retry-After`, after waiting that
/// long, at most `maxRetries` times. An aggregator 503 (`service unavailable`, discovery timeout,
/// `error trying to reach service`) carries no `Retry-After`, so it is not retried (research
/// kube-aggregator.md §2.3, §7). No backoff is added (client-go's default is `NoBackoff`), and
/// connection-reset/EOF errors (retried by client-go for GETs with an artificial 1 s
/// `Retry-After`) are outside this policy.
public struct RetryPolicy: Hashable, Sendable {
  /// Retries after the first attempt: 10 in client-go (`maxRetries` of `rest.Request`, research §1e).
  public var maxRetries: Int

  /// client-go's default: 10 retries.
  public static let clientGo = RetryPolicy(maxRetries: 10)
  /// A client that never retries.
  public static let none = RetryPolicy(maxRetries: 0)

  /// A policy retrying at most `maxRetries` times after the first attempt.
  public init(maxRetries: Int) { self.maxRetries = maxRetries }

  /// The decision after the `attempt`-th failed response (1 for the first request's response,
  /// 2 for the first retry's, …) with HTTP `status` and `Retry-After` header `retryAfter`
  /// (nil when absent). Retries when `attempt <= maxRetries`, the status is 429 or ≥ 500, and
  /// `Retry-After` is present; the wait is `Retry-After` (negative counts as 0).
  public func decision(status: Int, retryAfter: SimDuration?, attempt: Int) -> RetryDecision {
    guard attempt <= maxRetries, status == 429 || status >= 500, let retryAfter else { return .giveUp }
    return .retry(after: max(.zero, retryAfter))
  }

  /// The same decision for a response of the model.
  public func decision(for response: ResponseStatus, attempt: Int) -> RetryDecision {
    decision(status: response.code, retryAfter: response.retryAfter, attempt: attempt)
  }
}
