/// How a request ended, as the client saw it (the categories of the summary's status rates).
public enum Outcome: Int, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  /// 200.
  case ok
  /// 429 from admission (APF or max-in-flight), after the client's retries if it retried.
  case tooManyRequests
  /// 503 `service unavailable`: the APIService is not Available (or no ready endpoint).
  case unavailable
  /// 503 after the 5 s cap on `/apis/<g>/<v>`.
  case discoveryTimeout
  /// 503 `error trying to reach service`: dial, TLS or connection failure; or no answer because
  /// the client could not reach kube-apiserver (`EndReason` tells which).
  case unreachable
  /// 504: the request deadline passed.
  case deadlineExceeded
  /// The client gave up (its own timeout) before an answer came.
  case clientTimeout
  /// 500 from the extension server: its delegated authorization failed (the SubjectAccessReview
  /// was rejected with 429, or timed out), which k8s.io/apiserver's authorization filter answers
  /// with an internal error.
  case backendError

  public var description: String {
    ["200", "429", "503_unavailable", "503_discovery_timeout", "503_unreachable", "504", "client_timeout", "500"][rawValue]
  }

  /// The HTTP status code (0 for a client-side timeout, where no answer came).
  public var code: Int { [200, 429, 503, 503, 503, 504, 0, 500][rawValue] }
}
