/// Why a request ended, as finely as the model knows it: the `reason` column of `requests.csv`,
/// a stable vocabulary (`name`), each reason with the HTTP status the client saw (`code`, 0 when
/// no answer came) and the coarser `Outcome` that the summary's fractions and the time series
/// count. A reason names who ended the request: admission (429), the aggregator (503, 404), the
/// request deadline (504), the extension server (500, 429), or the client side (no status).
public enum EndReason: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
  /// 200.
  case ok
  /// 429 from kube-apiserver's admission at once: an APF queue was full (or a level without
  /// queues was at its limit), or max-in-flight was at its limit.
  case admissionRejected
  /// 429 from APF: the request waited in its queue for the queue-wait limit (a quarter of its
  /// deadline, or of the server's `--request-timeout` before 1.29) and was taken out.
  case queueWaitExpired
  /// 429 from the extension server's own admission or queue limit.
  case backendTooManyRequests
  /// 503 `service unavailable` at once: the instance's proxy holds the APIService not Available.
  case serviceUnavailable
  /// 503 `service unavailable`: no ready endpoint to send it to (endpoint routing) or no backend.
  case noEndpoints
  /// 404 from the control plane: no APIService serves the group-version (counted with the 503
  /// `service unavailable` answers in the summary).
  case notFound
  /// 503 after the proxy's cap on `/apis/<group>/<version>` (5 s; none before 1.16).
  case discoveryTimeout
  /// 503 `error trying to reach service`: the pod refused the connection (crashed, refusing, or
  /// kube-proxy had no endpoint for the ClusterIP).
  case connectionRefused
  /// 503 `error trying to reach service`: the dial to the pod timed out (30 s; a partition).
  case dialTimeout
  /// 503 `error trying to reach service`: the TLS handshake timed out (10 s; a partition).
  case tlsHandshakeTimeout
  /// 503 `error trying to reach service`: the HTTP/2 health check closed a silently dead
  /// connection (read-idle 30 s + ping 15 s).
  case connectionLost
  /// 503 `error trying to reach service`: the connection to the pod was reset (the pod crashed).
  case connectionReset
  /// 504: the request deadline passed (the smaller of the request's `?timeout=` and the server's
  /// 60 s; 60 s before 1.21).
  case deadline
  /// 500 from the extension server: its delegated authorization (SubjectAccessReview) failed.
  case authorizationFailed
  /// No answer: the client's own timeout passed first.
  case clientTimeout
  /// No answer: the kube-apiserver instance was down and refused the connection.
  case apiserverConnectionRefused
  /// No answer: the kube-apiserver instance stopped while it held the request (connection reset).
  case apiserverConnectionReset
  /// No answer: the client's link to the control plane was partitioned, so its dial failed after
  /// client-go's 30 s dial timeout.
  case apiserverDialTimeout

  /// The `reason` column's text: empty for 200, else `<status>_<cause>`, or `<cause>` when no
  /// status came back. Stable: scripts may match on it.
  public var name: String {
    switch self {
    case .ok: ""
    case .admissionRejected: "429_rejected"
    case .queueWaitExpired: "429_queue_wait"
    case .backendTooManyRequests: "429_backend"
    case .serviceUnavailable: "503_unavailable"
    case .noEndpoints: "503_no_endpoints"
    case .notFound: "404_not_found"
    case .discoveryTimeout: "503_discovery_timeout"
    case .connectionRefused: "503_connection_refused"
    case .dialTimeout: "503_dial_timeout"
    case .tlsHandshakeTimeout: "503_tls_handshake_timeout"
    case .connectionLost: "503_connection_lost"
    case .connectionReset: "503_connection_reset"
    case .deadline: "504_deadline"
    case .authorizationFailed: "500_authorization_failed"
    case .clientTimeout: "client_timeout"
    case .apiserverConnectionRefused: "apiserver_connection_refused"
    case .apiserverConnectionReset: "apiserver_connection_reset"
    case .apiserverDialTimeout: "apiserver_dial_timeout"
    }
  }

  public var description: String { name }

  /// The HTTP status the client saw; 0 when no answer came (its timeout, or no connection).
  public var code: Int {
    switch self {
    case .ok: 200
    case .admissionRejected, .queueWaitExpired, .backendTooManyRequests: 429
    case .serviceUnavailable, .noEndpoints, .discoveryTimeout, .connectionRefused, .dialTimeout, .tlsHandshakeTimeout,
         .connectionLost, .connectionReset: 503
    case .notFound: 404
    case .deadline: 504
    case .authorizationFailed: 500
    case .clientTimeout, .apiserverConnectionRefused, .apiserverConnectionReset, .apiserverDialTimeout: 0
    }
  }

  /// The summary's category of this reason.
  public var outcome: Outcome {
    switch self {
    case .ok: .ok
    case .admissionRejected, .queueWaitExpired, .backendTooManyRequests: .tooManyRequests
    case .serviceUnavailable, .noEndpoints, .notFound: .unavailable
    case .discoveryTimeout: .discoveryTimeout
    case .connectionRefused, .dialTimeout, .tlsHandshakeTimeout, .connectionLost, .connectionReset, .apiserverConnectionRefused,
         .apiserverConnectionReset, .apiserverDialTimeout: .unreachable
    case .deadline: .deadlineExceeded
    case .authorizationFailed: .backendError
    case .clientTimeout: .clientTimeout
    }
  }

  /// The reason of a backend exchange's reply (`BackendReply`), as the aggregator answers it.
  init(_ reply: BackendReply) {
    switch reply {
    case .ok: self = .ok
    case .tooManyRequests: self = .backendTooManyRequests
    case .connectionRefused: self = .connectionRefused
    case .dialTimeout: self = .dialTimeout
    case .tlsHandshakeTimeout: self = .tlsHandshakeTimeout
    case .connectionLost: self = .connectionLost
    case .connectionReset: self = .connectionReset
    case .internalError: self = .authorizationFailed
    }
  }
}
