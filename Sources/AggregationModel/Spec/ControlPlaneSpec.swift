public import SimCore

/// How the aggregator's proxy reaches extension servers (research §1a, §2.2, §2.4).
public struct ProxySpec: Hashable, Sendable {
  /// How a backend pod is chosen.
  public enum Routing: Hashable, Sendable {
    /// `--enable-aggregator-routing=false` (default): to the Service's ClusterIP; kube-proxy
    /// picks a pod per TCP connection, so one pooled HTTP/2 connection pins every request of an
    /// instance to one pod until the connection is replaced.
    case clusterIP
    /// `--enable-aggregator-routing=true`: a random ready endpoint per request, one connection
    /// per pod.
    case endpoints
  }

  /// What the transport does when every connection to an address has all its streams in use.
  public enum StreamCapRule: Hashable, Sendable {
    /// Open another connection (Go `x/net/http2` with `StrictMaxConcurrentStreams` false, its
    /// default; research §2.4 notes this is Go behaviour not verified there). Under ClusterIP
    /// routing kube-proxy may send the new connection to another pod.
    case openConnection
    /// Wait for a stream of an existing connection to free up (FIFO).
    case queue
  }

  public var routing: Routing = .clusterIP
  /// The cap on proxied `/apis/<g>/<v>` requests (`controlPlane.proxy.discoveryTimeout`); nil =
  /// the version's default, `VersionDefaults.discoveryTimeout` (5 s from 1.16, unlimited before).
  public var discoveryCap: TimeLimit?
  public var dialTimeout: SimDuration = .seconds(30)
  public var tlsHandshakeTimeout: SimDuration = .seconds(10)
  /// HTTP/2 health check: PING after this long without a frame (`HTTP2_READ_IDLE_TIMEOUT_SECONDS`);
  /// `.unlimited`: no health check. nil = the version's default, `VersionDefaults.readIdleTimeout`
  /// (30 s from 1.20, 1.19.5 and 1.18.18; none before).
  public var readIdleLimit: TimeLimit?
  /// Close the connection if the PING is not answered within this (`HTTP2_PING_TIMEOUT_SECONDS`).
  public var pingTimeout: SimDuration = .seconds(15)
  public var atStreamCap: StreamCapRule = .openConnection

  public init(routing: Routing = .clusterIP, discoveryCap: TimeLimit? = nil) {
    self.routing = routing
    self.discoveryCap = discoveryCap
  }

  /// The HTTP/2 read-idle timeout in force, nil for no health check: read only from a resolved
  /// spec. Setting it gives it explicitly (nil: no health check).
  public var readIdleTimeout: SimDuration? {
    get { readIdleLimit.resolved.duration }
    set { readIdleLimit = TimeLimit(newValue) }
  }

  /// The discovery cap in force, nil for none: read only from a resolved spec
  /// (`ModelSpec.resolved()`). Setting it gives the cap explicitly (nil: none).
  public var discoveryTimeout: SimDuration? {
    get { discoveryCap.resolved.duration }
    set { discoveryCap = TimeLimit(newValue) }
  }
}

/// How a kube-apiserver instance admits requests (research §1d, §6).
public enum AdmissionSpec: Hashable, Sendable {
  /// No admission limit (for analytic checks of the rest of the path).
  case unlimited
  /// API Priority and Fairness (the default since 1.20; locked on since 1.29).
  case priorityAndFairness(PriorityAndFairness.Configuration)
  /// The legacy max-in-flight filter (`--enable-priority-and-fairness=false`): `readOnly`
  /// read-only and `mutating` mutating requests at once (defaults 400 and 200), 429 with
  /// Retry-After 1 s beyond.
  case maxInFlight(readOnly: Int, mutating: Int)

  /// APF with the Kubernetes defaults (600 seats).
  public static let kubernetesDefault = AdmissionSpec.priorityAndFairness(.kubernetesDefaults)
  /// kube-apiserver's `--max-requests-inflight` default (research §1d).
  public static let defaultReadOnlyInFlight = 400
  /// kube-apiserver's `--max-mutating-requests-inflight` default (research §1d).
  public static let defaultMutatingInFlight = 200
}

/// The kube-apiserver instances that run the aggregator (one or more, for HA).
public struct ControlPlaneSpec: Hashable, Sendable {
  public var instances: Int = 1
  /// Deadline of every non-long-running request: 504 after it (`--request-timeout`, research §1b).
  public var requestTimeout: SimDuration = .seconds(60)
  /// Authentication, audit and authorization work before a request is admitted or routed.
  public var filterOverhead: Distribution = .constant(.zero)
  /// Time the in-process handler takes for a local request (built-in or CRD group).
  public var localHandlerTime: Distribution = .constant(.milliseconds(1))
  /// The admission filter; nil = the version's default, `VersionDefaults.admission` (APF from
  /// 1.20, max-in-flight before).
  public var admissionPolicy: AdmissionSpec?
  public var proxy = ProxySpec()
  /// The remote availability controller each instance runs (research §4).
  public var availabilityController = AvailabilityControllerSpec()
  /// The OpenAPI v2/v3 aggregation controllers each instance runs (research §4.3, §8).
  public var openAPIController = OpenAPIControllerSpec()
  /// The health checks of the load balancer in front of the instances; nil = it follows each
  /// instance's `/readyz` at once (no check period).
  public var loadBalancer: LoadBalancerSpec?

  public init() {}

  /// The admission filter in force: read only from a resolved spec. Setting it gives it explicitly.
  public var admission: AdmissionSpec {
    get { admissionPolicy.resolved }
    set { admissionPolicy = newValue }
  }
}

/// The health checks by which the load balancer in front of the kube-apiserver instances (the
/// clients' endpoint) decides which instances get new requests: every `interval` it asks each
/// instance's `/readyz` (an instance that is down fails at once); it takes an instance out of
/// rotation after `unhealthyThreshold` failed checks in a row and back after `healthyThreshold`
/// passed ones. Until then it keeps sending it requests, which an instance that is down or no
/// longer listens refuses. The defaults are HAProxy's (`inter 2s`, `fall 3`, `rise 2`), the load
/// balancer of kubeadm's HA guide (kubernetes/kubeadm `docs/ha-considerations.md`: `option
/// httpchk GET /healthz`, `check` with HAProxy's defaults). `path` is what a check asks: `/readyz`
/// fails from the start of a graceful shutdown, `/healthz` keeps passing until the instance stops
/// listening (`--shutdown-delay-duration`'s help: "/healthz and /livez will return success, but
/// /readyz immediately returns failure"); both fail until a restarted instance's post-start hooks
/// are done. Cloud load balancers check less
/// often (AWS NLB: every 10 or 30 s, 2–10 in a row). Each instance's first check comes at a
/// random phase of the interval (stream `controlplane/load-balancer`). With `redispatch` (HAProxy's
/// `option redispatch` with `retries 1`, as kubeadm's guide sets them) a client request that an
/// instance refuses (down, or no longer listening) is sent once more, at once, to the next
/// instance in rotation; without it (a cloud TCP load balancer) the client gets the refusal.
public struct LoadBalancerSpec: Hashable, Sendable {
  public var interval: SimDuration
  public var unhealthyThreshold: Int
  public var healthyThreshold: Int
  public var redispatch: Bool
  public var path: HealthPath

  /// The endpoint a health check asks.
  public enum HealthPath: String, CaseIterable, Hashable, Sendable {
    case readyz, healthz
  }

  /// HAProxy's defaults (`inter 2s`, `fall 3`, `rise 2`, no `option redispatch`), and `/readyz`.
  public static let defaultInterval = SimDuration.seconds(2), defaultUnhealthyThreshold = 3, defaultHealthyThreshold = 2
  public static let defaultRedispatch = false, defaultPath = HealthPath.readyz
  /// The intervals a scenario may give: from 100 ms (faster checks only add events) to 5 min
  /// (AWS's longest: 300 s for an ALB target group; an NLB checks every 10 or 30 s).
  public static let intervalRange = SimDuration.milliseconds(100)...SimDuration.minutes(5)
  /// The thresholds a scenario may give (AWS target groups accept 2–10).
  public static let thresholdRange = 1...10

  public init(interval: SimDuration = defaultInterval, unhealthyThreshold: Int = defaultUnhealthyThreshold,
              healthyThreshold: Int = defaultHealthyThreshold, redispatch: Bool = defaultRedispatch, path: HealthPath = defaultPath) {
    self.interval = interval
    self.unhealthyThreshold = unhealthyThreshold
    self.healthyThreshold = healthyThreshold
    self.redispatch = redispatch
    self.path = path
  }
}

/// The remote availability controller of every kube-apiserver instance and the path by which
/// its status writes reach the proxies (research kube-aggregator.md §1c, §2.2, §4).
public struct AvailabilityControllerSpec: Hashable, Sendable {
  /// Whether the controller runs; off, every Available condition stays as the spec set it.
  public var enabled = true
  /// Every APIService is re-checked this often even without events (research §1c, §4.1: 30 s since 1.9).
  public var resync: SimDuration = .seconds(30)
  /// The first resync of each instance; nil draws it uniformly in [0, resync) from the
  /// instance's stream `availability/<instance>/resync`, so that HA instances are out of phase
  /// (informers start when their apiserver does). Tests pin it.
  public var firstResync: SimDuration?
  /// Checks running at once per instance (research §1c: 5 workers).
  public var workers = 5
  /// Parallel discovery probes per check; any one success makes the APIService Available
  /// (research §1c, §4.2; kubernetes/kubernetes#75217).
  public var probes = 5
  /// `http.Client.Timeout` of each probe (research §1c: 5 s). The real check also has a fixed
  /// 6 s watchdog, not modelled: with a probe timeout above 6 s the real check would end at 6 s.
  public var probeTimeout: SimDuration = .seconds(5)
  /// Per-APIService exponential requeue after a failed check: `base × 2ⁿ` capped at `max`
  /// (research §1c, §4.1: 5 ms → 30 s); a successful sync forgets it.
  public var backoffBase: SimDuration = .milliseconds(5)
  public var backoffMax: SimDuration = .seconds(30)
  /// The informer delay: status write → watch event → each instance's informer, whose update
  /// event then reaches the availability controller (a re-check) and the registration queue
  /// (research §4.3, fidelity audit §4; network and informer latency not given there: default 0).
  public var propagationDelay: Distribution = .constant(.zero)
  /// Time the single worker of the APIServiceRegistrationController spends per APIService
  /// before the proxy's cached `serviceAvailable` changes (research §1c, §2.2, §4.3; 1 ms
  /// assumed; the synchronous OpenAPI v2 download after it is `OpenAPIControllerSpec`'s).
  public var registrationTime: Distribution = .constant(.milliseconds(1))
  /// The resync of the registration controller's informer handler: every APIService re-enters
  /// the registration queue this often, each service-backed one with a synchronous OpenAPI v2
  /// download and the v3 lock (fidelity audit §5, §7; kube-aggregator `pkg/apiserver/apiserver.go`
  /// `NewSharedInformerFactory(…, 5*time.Minute)` and `apiservice_controller.go`
  /// `AddEventHandler`, which inherits it; the same from 1.16 to 1.36).
  public var registrationResync: SimDuration = .minutes(5)

  public init() {}

  /// A controller that never runs (the Available conditions stay static).
  public static let disabled: AvailabilityControllerSpec = {
    var spec = AvailabilityControllerSpec()
    spec.enabled = false
    return spec
  }()

  /// The delay of the requeue after the `failures`-th consecutive failed check (1-based).
  public func backoff(afterFailures failures: Int) -> SimDuration {
    ExponentialBackoff(base: backoffBase, cap: backoffMax).delay(afterFailures: failures)
  }
}
