public import SimCore

/// The stages a request's latency is made of, as the client sees it, from its first send to the
/// final answer (or the moment it gave up): every instant of it is in exactly one stage, so the
/// stages of a request add up to its latency (issue 11 item 1, "where the time goes").
public enum RequestStage: Int, CaseIterable, Sendable {
  /// Waiting for a token of the client's token bucket (client-go's rate limiter; kubectl's
  /// discovery bucket for its discovery requests).
  case throttle
  /// Waiting before a retry (a 429's Retry-After).
  case retryBackoff
  /// On the network towards the server: client → kube-apiserver and kube-apiserver → pod
  /// (propagation, loss and retransmission, TLS to kube-apiserver being kept alive).
  case networkOut
  /// kube-apiserver's filters: authentication, authorization, audit (`filterOverhead`).
  case filters
  /// Waiting in an APF queue (or, without APF, nothing: max-in-flight rejects at once).
  case apfQueue
  /// The proxy waiting for a connection to the pod: an HTTP/2 stream under the cap, a dial and
  /// TLS handshake.
  case connectionWait
  /// Waiting at the pod: its own APF queue and its FIFO queue for a worker.
  case podQueue
  /// Being served: a pod's worker (its delegated authorization reviews included) or
  /// kube-apiserver's own handler (`/api`, `/apis`, a local group-version).
  case service
  /// On the network back: pod → kube-apiserver and kube-apiserver → client (or a dial that
  /// fails after its timeout).
  case networkBack

  /// The stage's name in metrics and in `requests.csv` (`stage_<name>_s`).
  public var name: String {
    switch self {
    case .throttle: "throttle"
    case .retryBackoff: "retry_backoff"
    case .networkOut: "network_out"
    case .filters: "filters"
    case .apfQueue: "apf_queue"
    case .connectionWait: "connection_wait"
    case .podQueue: "pod_queue"
    case .service: "service"
    case .networkBack: "network_back"
    }
  }

  /// What the stage is, for the metric catalogue and the README.
  public var meaning: String {
    switch self {
    case .throttle: "waiting for a token of the client's token bucket"
    case .retryBackoff: "waiting before a retry (Retry-After of a 429)"
    case .networkOut: "on the network towards the server (client → kube-apiserver → pod)"
    case .filters: "in kube-apiserver's filters (authentication, authorization, audit)"
    case .apfQueue: "waiting in an APF queue"
    case .connectionWait: "waiting for the proxy's connection to the pod (stream cap, dial, TLS)"
    case .podQueue: "waiting at the pod (its own APF queue, its queue for a worker)"
    case .service: "being served (a pod's worker with its authorization reviews, or kube-apiserver's own handler)"
    case .networkBack: "on the network back (pod → kube-apiserver → client)"
    }
  }
}

/// The time one request has spent in each `RequestStage` so far, in nanoseconds: a fixed-size
/// vector kept in the request's record (no allocation).
public struct StageDurations: Hashable, Sendable {
  var nanoseconds = SIMD16<Int64>()

  public init() {}

  /// The time spent in `stage`.
  public subscript(_ stage: RequestStage) -> SimDuration {
    get { SimDuration(nanoseconds: nanoseconds[stage.rawValue]) }
    set { nanoseconds[stage.rawValue] = newValue.nanoseconds }
  }

  /// The time spent in every stage together.
  public var total: SimDuration { SimDuration(nanoseconds: nanoseconds.wrappedSum()) }
}
