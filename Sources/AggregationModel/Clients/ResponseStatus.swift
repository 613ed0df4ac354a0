public import SimCore

/// The responses the model produces for a request, with the HTTP status, body text and
/// `Retry-After` the real components send: the shared vocabulary of the control plane, the
/// proxy and the clients (research kube-aggregator.md §2.3, §1b, §1d).
public enum ResponseStatus: Hashable, Sendable, CustomStringConvertible {
  /// 200: served (by the aggregator, the local delegate or the extension server).
  case ok
  /// 429 from API Priority and Fairness (queue full or queue wait limit reached) or the
  /// max-in-flight filter, with `Retry-After` (APF: 1...32 s, dynamic; max-in-flight: 1 s;
  /// research §1d, §6).
  case tooManyRequests(retryAfter: SimDuration)
  /// 503 `service unavailable`, at once: the APIService is not Available, or its Service or
  /// endpoints cannot be resolved (research §2.2 steps 2 and 4, §2.3).
  case serviceUnavailable
  /// 503 after the 5 s cap on a proxied `/apis/<group>/<version>` request (research §1a, §2.3;
  /// the body is inferred from the code path, not observed, §10).
  case discoveryTimeout
  /// 503 `error trying to reach service: <error>`: dial, TLS or transport failure, refused
  /// connection, HTTP/2 connection lost (research §2.3). `detail` is the Go error text, e.g.
  /// `dial tcp 10.96.0.10:443: connect: connection refused`.
  case errorTryingToReachService(detail: String)
  /// 504 from kube-apiserver's timeout filter: the request deadline (60 s, or a shorter
  /// `?timeout=`) passed (research §1b, §2.3).
  case deadlineExceeded
  /// 502: the backend answered with a redirect, which the aggregator rejects
  /// (`--aggregator-reject-forwarding-redirect=true`, research §1a, §2.3).
  case badGateway

  /// The HTTP status code.
  public var code: Int {
    switch self {
    case .ok: 200
    case .tooManyRequests: 429
    case .serviceUnavailable, .discoveryTimeout, .errorTryingToReachService: 503
    case .deadlineExceeded: 504
    case .badGateway: 502
    }
  }

  /// The `Retry-After` header; only the 429s carry one (aggregator 503s do not, research §2.3, §7).
  public var retryAfter: SimDuration? {
    if case .tooManyRequests(let after) = self { return after }
    return nil
  }

  /// The body text. 503s and 504 from research §2.3 and §1b; the 429 text is apiserver's
  /// `tooManyRequests` (filters/maxinflight.go) and the 502 text apimachinery's
  /// `upgradeaware.go`, both read in source rather than in the research.
  public var body: String {
    switch self {
    case .ok: ""
    case .tooManyRequests: "Too many requests, please try again later."
    case .serviceUnavailable: "service unavailable"
    case .discoveryTimeout: "error trying to reach service: context deadline exceeded"
    case .errorTryingToReachService(let detail): "error trying to reach service: \(detail)"
    case .deadlineExceeded: "Timeout: request did not complete within the allotted timeout"
    case .badGateway: "the backend attempted to redirect this request, which is not permitted"
    }
  }

  /// True for 2xx.
  public var isSuccess: Bool { (200..<300).contains(code) }

  /// `503 service unavailable`, or with `Retry-After: 3s` for a 429.
  public var description: String {
    let head = body.isEmpty ? "\(code)" : "\(code) \(body)"
    return retryAfter.map { "\(head) (Retry-After: \($0))" } ?? head
  }
}
