/// A bottleneck the summary metrics of a run point to: what limits (its `kind` and `scope`), the
/// figure that shows it (`evidence`, a summary metric, and `figure`, its mean over the
/// replications), and the setting that moves it (`knob`, in words with its value, and `keyPath`,
/// where a scenario file sets it). One row of `findings.csv`, and one line printed after `run`,
/// `check` and `sweep`. `FindingRules` decides when a finding holds.
public struct Finding: Hashable, Sendable {
  /// What limits, as `findings.csv`'s `kind` column writes it.
  public enum Kind: String, CaseIterable, Hashable, Sendable {
    /// A client offers more than its client-go token bucket lets through.
    case clientRateLimit = "client_rate_limit"
    /// The same, with client-go's default bucket (5 QPS, burst 10) that the scenario did not
    /// raise: "the silent 5 QPS".
    case clientDefaultRateLimit = "client_default_rate_limit"
    /// Under ClusterIP routing, one pod of a server got nearly every request while loaded.
    case podPinning = "pod_pinning"
    /// A pod's workers were busy nearly all the time.
    case podSaturated = "pod_saturated"
    /// An APF priority level's seats were in use nearly all the time.
    case priorityLevelSaturated = "priority_level_saturated"
    /// An APF priority level rejected requests with 429.
    case priorityLevelRejecting = "priority_level_rejecting"
    /// Requests found every HTTP/2 connection at its stream cap.
    case streamCap = "stream_cap"
    /// A discovery client's discoveries came out partial, or (kubectl) silently without a Stale
    /// group-version.
    case discoveryIncomplete = "discovery_incomplete"
    /// A latency was measured in too few replications for a 95% interval.
    case tooFewSamples = "too_few_samples"
  }

  public var kind: Kind
  /// As `summary.csv` writes it: `client/hpa`, `pod/custom-apiserver/0`, `priority_level/0/workload-low`,
  /// `apiservice/<name>`, `kubectl/<client>`; for pinning, the busiest pod of the first replication.
  public var scope: String
  /// The summary metric the finding rests on.
  public var evidence: SummaryMetric
  /// Its mean over the replications with a finite value (for `too_few_samples`: that number of
  /// replications).
  public var figure: Double
  /// The setting that moves it, in words with its value, e.g. `rateLimit qps 20, burst 30`.
  public var knob: String
  /// Where a scenario sets it, e.g. `spec.clients[0].rateLimit`.
  public var keyPath: String
  /// The finding in one line: `<scope>: <evidence in words> — <knob> (<key path>)`.
  public var message: String

  public init(kind: Kind, scope: String, evidence: SummaryMetric, figure: Double, knob: String, keyPath: String, message: String) {
    self.kind = kind
    self.scope = scope
    self.evidence = evidence
    self.figure = figure
    self.knob = knob
    self.keyPath = keyPath
    self.message = message
  }
}
