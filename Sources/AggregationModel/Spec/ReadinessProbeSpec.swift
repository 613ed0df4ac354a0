public import SimCore

/// The kubelet's readiness probe of each pod of an extension server: every `period` the kubelet
/// checks the pod locally on its node (not through the aggregator); after `failureThreshold`
/// failures in a row the pod leaves the Service's ready endpoints (an EndpointSlice event, which
/// the availability controller sees at once: `MissingEndpoints` when no pod is left), and after
/// `successThreshold` successes in a row it returns.
///
/// Field meanings and defaults are Kubernetes' `Probe` (periodSeconds 10, timeoutSeconds 1,
/// failureThreshold 3, successThreshold 1, initialDelaySeconds 0):
/// https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
/// (kubernetes/website:content/en/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes.md).
/// metrics-server's manifest probes `httpGet /readyz` (HTTPS) with periodSeconds 10,
/// failureThreshold 3, initialDelaySeconds 20 and the other fields at their defaults
/// (kubernetes-sigs/metrics-server:manifests/base/deployment.yaml): `.metricsServer`.
///
/// The model of one probe (kubernetes/kubernetes:pkg/kubelet/prober/worker.go for the loop):
/// - It **fails at once** when the pod refuses connections or has crashed, and **fails `timeout`
///   after it was sent** when the pod does not answer in time: the pod hangs, or its answer
///   time, the mean of `serviceTimes.probe` × the pod's slow-down factor (1 when none), exceeds
///   `timeout`. Such a probe succeeds instead at the instant the hang or slow-down ends, if that
///   comes first.
/// - Otherwise it **succeeds at once** (a local round trip of well under a millisecond). The probe
///   takes no worker and does not queue: `/readyz` is answered outside the request workers, so a
///   busy pod stays ready. A silent connection drop (aggregator → pod) does not affect it.
/// - Results are counted as the kubelet's worker does (`lastResult`, `resultRun`): a run of equal
///   results, reset by the other result. At the run start every pod is Ready with a run of
///   successes. A pod restarting after a crash starts NotReady (the kubelet's initial readiness
///   result is Failure) and is probed no earlier than `initialDelay` after its restart; the run
///   counter is not reset by the restart (as in the kubelet). A crash still takes the pod out of
///   the endpoints after `crashDetection` (1 s) whatever the probe says.
/// - Probe ticks are every `period` from a phase per pod (the kubelet's worker sleeps a uniform
///   fraction of the period before its ticker starts); a tick that comes while a probe is still
///   out (only when `timeout` ≥ `period`) is kept and the next probe goes as soon as that one ends,
///   further ticks are dropped (Go's `time.Ticker` channel holds one tick).
public struct ReadinessProbeSpec: Hashable, Sendable {
  /// Time between probes (`periodSeconds`, default 10 s, > 0).
  public var period: SimDuration = .seconds(10)
  /// A probe not answered within this time fails (`timeoutSeconds`, default 1 s, > 0).
  public var timeout: SimDuration = .seconds(1)
  /// Failures in a row that make the pod NotReady (`failureThreshold`, default 3, >= 1).
  public var failureThreshold = 3
  /// Successes in a row that make a NotReady pod Ready again (`successThreshold`, default 1, >= 1).
  public var successThreshold = 1
  /// After a restart (the end of a crash), no probe before this delay (`initialDelaySeconds`,
  /// default 0 s, >= 0). The pods are taken as started long before the run, so it does not delay
  /// the first probes.
  public var initialDelay: SimDuration = .zero
  /// The first probe of every pod (>= 0, < `period`); nil draws it per pod, uniform in
  /// [0, `period`), from the stream `server/<name>/readiness/<pod>`. Tests pin it.
  public var firstProbe: SimDuration?

  public init(period: SimDuration = .seconds(10), timeout: SimDuration = .seconds(1), failureThreshold: Int = 3,
              successThreshold: Int = 1, initialDelay: SimDuration = .zero, firstProbe: SimDuration? = nil) {
    self.period = period
    self.timeout = timeout
    self.failureThreshold = failureThreshold
    self.successThreshold = successThreshold
    self.initialDelay = initialDelay
    self.firstProbe = firstProbe
  }

  /// metrics-server's readiness probe: every 10 s, 1 s timeout, NotReady after 3 failures,
  /// 20 s initial delay (kubernetes-sigs/metrics-server:manifests/base/deployment.yaml).
  public static let metricsServer = ReadinessProbeSpec(initialDelay: .seconds(20))
}
