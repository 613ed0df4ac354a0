public import SimCore

/// The OpenAPI aggregation controllers of every kube-apiserver instance (research
/// kube-aggregator.md §4.3, §8; kube-aggregator `pkg/controllers/openapi/controller.go` and
/// `openapiv3/controller.go`): per service-backed APIService, a download of `/openapi/v2` (the
/// whole spec) and of `/openapi/v3` (its index), each by a single worker, 1 s after the
/// APIService is added, then `interval` after each success, or after `interval` × 2ⁿ (capped at
/// `backoffMax`) after the n-th consecutive failure (`ItemExponentialFailureRateLimiter(1 min,
/// 1 h)`). A download is an in-process call of the APIService's proxy handler (no APF), so it
/// fails at once while the proxy holds the APIService unavailable, and waits up to `timeout`
/// for a hung backend.
///
/// The v2 aggregator has one mutex that its worker holds during a download, and the
/// APIServiceRegistrationController's single worker, right after installing a status change in
/// the proxy, downloads the APIService's v2 spec synchronously under the same mutex
/// (`UpdateAPIService`): a v2 download stuck on a hung backend can so hold back the status
/// changes of other APIServices (research §4.3, "head-of-line risk": code reading, not seen in an
/// issue). A registration download of an APIService that had failed before also requeues it 1 s
/// later.
///
/// Response sizes: the first successful v2 download of an APIService by an instance carries the
/// whole spec (`ResponseSizes.openAPI`); later ones are answered 304 (ETag) and carry no body;
/// v3 downloads carry no body either (the index is small).
public struct OpenAPIControllerSpec: Hashable, Sendable {
  /// Whether the controllers run (the real default is on).
  public var enabled = true
  /// Whether the OpenAPI v3 controller runs besides v2; nil = the version's default,
  /// `VersionDefaults.openAPIV3` (from 1.24).
  public var v3Policy: Bool?
  /// Whether the v3 controller runs: read only from a resolved spec. Setting it gives it explicitly.
  public var v3: Bool {
    get { v3Policy.resolved }
    set { v3Policy = newValue }
  }
  /// After a successful download (`successfulUpdateDelay`, 1 min).
  public var interval: SimDuration = .minutes(1)
  /// Cap of the failure backoff (`failedUpdateMaxExpDelay`, 1 h).
  public var backoffMax: SimDuration = .hours(1)
  /// The download's deadline (the handler's 60 s request timeout).
  public var timeout: SimDuration = .seconds(60)
  /// From the APIService's addition to its first download (`AddAfter(name, time.Second)`).
  public var firstDownload: SimDuration = .seconds(1)
  /// Whether the registration worker downloads the v2 spec after each status change it installs.
  public var registrationDownloads = true

  public init() {}

  /// Controllers that never run.
  public static let disabled: OpenAPIControllerSpec = {
    var spec = OpenAPIControllerSpec()
    spec.enabled = false
    return spec
  }()

  /// The requeue after the n-th consecutive failed download (n ≥ 1).
  public var backoff: ExponentialBackoff { ExponentialBackoff(base: interval, cap: backoffMax) }
}
