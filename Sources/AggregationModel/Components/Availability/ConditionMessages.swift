/// The messages the availability controller writes into an APIService's Available condition, as
/// codes (`ConditionVersion.message`) that a check compares without building text, and their
/// text, built only when a condition is written.
///
/// The controller compares whole conditions (`equality.Semantic.DeepEqual` of the status, so the
/// message too) and writes `FailedDiscoveryCheck` with `lastError.Error()`, the error of the probe
/// that failed last (kube-aggregator `pkg/controllers/status/remote/remote_available_controller.go`
/// :349-361, :400 at 232ca687): `failing or missing response from <url>: <error>`, the URL being the
/// Service's ClusterIP, or under endpoint routing (`--enable-aggregator-routing`) the endpoint the
/// probe picked. So a failure of another kind, or under endpoint routing on another pod, is a new
/// message and a new write (kubernetes/kubernetes#70287). One message per outcome of the model:
/// the probe's 5 s client timeout, a transport failure (refused, reset, lost: one text), no ready
/// endpoint, and a 429 or 500 answer. The endpoint is named by its pod index (its IP in Kubernetes).
struct ConditionMessages {
  /// A probe failure, by the outcome the model gives it.
  enum Failure: Int32, CaseIterable {
    case timeout, unreachable, noEndpoints, tooManyRequests, serverError

    init(_ outcome: Outcome) {
      switch outcome {
      case .unreachable: self = .unreachable
      case .unavailable: self = .noEndpoints
      case .tooManyRequests: self = .tooManyRequests
      case .backendError: self = .serverError
      case .ok, .deadlineExceeded, .discoveryTimeout, .clientTimeout: self = .timeout
      }
    }
  }

  /// Codes of the checks that fail before probing.
  static let serviceNotFound: Int32 = 2
  static let endpointsNotFound: Int32 = 3
  static let missingEndpoints: Int32 = 4
  /// The first probe-failure code: `firstProbeFailure + failure × stride + pod + 1`.
  static let firstProbeFailure: Int32 = 5

  let apiServices: [APIService]
  /// Per APIService: codes per failure kind (its server's pods + 1 under endpoint routing, where
  /// the URL names the pod; 1 under ClusterIP routing, where it is the Service's address).
  let stride: [Int32]

  init(registry: RegistryView, pods: [Int], routing: ProxySpec.Routing) {
    apiServices = registry.apiServices
    stride = registry.serverOf.map { server in
      routing == .endpoints && server >= 0 ? Int32(pods[Int(server)] + 1) : 1
    }
  }

  /// The code of a check that failed before probing.
  func code(_ reason: AvailableCondition.Reason) -> Int32 {
    switch reason {
    case .serviceNotFound: Self.serviceNotFound
    case .endpointsNotFound: Self.endpointsNotFound
    default: Self.missingEndpoints
    }
  }

  /// The code of `lastError` when the last failing probe ended with `outcome` at `pod` (-1: none).
  func probeFailure(_ apiService: Int, _ outcome: Outcome, pod: Int) -> Int32 {
    let named = stride[apiService] > 1 ? Int32(pod) : -1
    return Self.firstProbeFailure + Failure(outcome).rawValue * stride[apiService] + named + 1
  }

  /// The text of `code` for `apiService` (built when a condition is written).
  func text(_ index: Int, _ code: Int32) -> String {
    let apiService = apiServices[index], service = apiService.service
    let name = service?.name ?? "", namespace = service?.namespace ?? ""
    switch code {
    case ConditionVersion.passedMessage: return "all checks passed"
    case ConditionVersion.initialMessage: return "initially unavailable"
    case Self.serviceNotFound: return "service/\(name) in \"\(namespace)\" is not present"
    case Self.endpointsNotFound: return "cannot find endpointslices for service/\(name) in \"\(namespace)\""
    case Self.missingEndpoints: return "endpointslices for service/\(name) in \"\(namespace)\" have no addresses with port name \"https\""
    default: break
    }
    let offset = code - Self.firstProbeFailure, failure = Failure(rawValue: offset / stride[index]) ?? .timeout
    let pod = Int(offset % stride[index]) - 1
    let host = pod >= 0 ? "\(name)-pod-\(pod)" : "\(name).\(namespace).svc"
    let url = "https://\(host):\(service?.port ?? ServiceReference.defaultPort)/apis/\(apiService.group)/\(apiService.version)"
    switch failure {
    case .timeout:
      return "failing or missing response from \(url): Get \"\(url)\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
    case .unreachable: return "failing or missing response from \(url): Get \"\(url)\": dial tcp \(host): connect: connection refused"
    case .noEndpoints: return "no endpoints available for service \"\(name)\""
    case .tooManyRequests: return "failing or missing response from \(url): bad status from \(url): 429"
    case .serverError: return "failing or missing response from \(url): bad status from \(url): 500"
    }
  }
}
