public import SimCore
public import AggregationModel

/// How a scenario is run: `spec.run` of a scenario file. All durations are simulated time.
///
/// ```yaml
/// run:
///   duration: 10m              # required, > 0: simulated time per replication, warm-up included
///   warmup: 1m                 # default 0s; < duration; statistics start after it
///   replications: 10           # default 10, in [1, 1024]
///   seed: 1                    # default 1, in [0, 4294967295]: the base seed of all streams
///   kubernetesVersion: 1.35    # default KubernetesVersion.latest
///   timeBucket: 10s            # default 10s, >= 1ms and at most 100000 buckets in duration:
///                              #   the width of a time-series bucket
/// ```
public struct RunControl: Hashable, Sendable {
  /// Simulated time per replication, warm-up included (> 0).
  public var duration: SimDuration
  /// Simulated time at the start of each replication that statistics leave out (< `duration`).
  public var warmup: SimDuration
  /// Independent replications (1 … 1024).
  public var replications: Int
  /// The base seed from which every random stream of every replication is derived.
  public var seed: UInt32
  /// The release whose aggregation-layer behaviour is simulated.
  public var kubernetesVersion: KubernetesVersion
  /// The width of one bucket of the time-series output (> 0).
  public var timeBucket: SimDuration

  /// A run of `duration`, with the documented defaults for everything else.
  public init(duration: SimDuration, warmup: SimDuration = .zero, replications: Int = 10, seed: UInt32 = 1,
              kubernetesVersion: KubernetesVersion = .latest, timeBucket: SimDuration = ModelSpec.defaultTimeBucket) {
    self.duration = duration
    self.warmup = warmup
    self.replications = replications
    self.seed = seed
    self.kubernetesVersion = kubernetesVersion
    self.timeBucket = timeBucket
  }

  /// The most time-series buckets one replication may have: a day at 1 s, ten minutes at 6 ms.
  /// Prometheus scrapes every 15–60 s; each bucket holds a row per series and scope, so beyond
  /// this the time series alone would take gigabytes.
  static let maximumBuckets: Int64 = 100_000

  /// Reads `spec.run`, reporting every problem; nil if there was any.
  static func read(_ node: NodeReader) -> RunControl? {
    guard let run = node.mapping(ScenarioSchema.run) else { return nil }
    let defaults = RunControl(duration: .zero)
    let duration = run.required("duration").flatMap { positiveDuration($0) }
    let warmup = run.read("warmup", default: defaults.warmup) { $0.duration() }
    let replications = run.read("replications", default: defaults.replications) { $0.integer(in: 1...1024) }
    let seed = run.read("seed", default: Int(defaults.seed)) { $0.integer(in: 0...Int(UInt32.max)) }
    let version = run.read("kubernetesVersion", default: defaults.kubernetesVersion) { $0.kubernetesVersion() }
    let bucket = run.read("timeBucket", default: defaults.timeBucket) { $0.period() }
    if let duration, let bucket, duration.nanoseconds / bucket.nanoseconds > maximumBuckets, let node = run.optional("timeBucket") {
      let shortest = SimDuration.nanoseconds((duration.nanoseconds + maximumBuckets - 1) / maximumBuckets)
      node.report(expected: "a bucket of at least \(DurationFormat.format(shortest)) (at most \(maximumBuckets) buckets in \(run.reader.path("duration")) \(DurationFormat.format(duration)))")
      return nil
    }
    if let duration, let warmup, warmup >= duration, let node = run.optional("warmup") {
      node.report(expected: "a duration shorter than \(run.reader.path("duration")) (\(duration))")
      return nil
    }
    guard let duration, let warmup, let replications, let seed, let version, let bucket else { return nil }
    return RunControl(duration: duration, warmup: warmup, replications: replications, seed: UInt32(seed),
                      kubernetesVersion: version, timeBucket: bucket)
  }

  static func positiveDuration(_ node: NodeReader) -> SimDuration? {
    guard let value = node.duration() else { return nil }
    guard value > .zero else { node.report(expected: "a duration > 0s"); return nil }
    return value
  }
}
