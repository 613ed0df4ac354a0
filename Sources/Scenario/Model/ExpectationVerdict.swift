public import SimCore

/// How an expectation turns a metric's per-replication values into the figure it bounds
/// (`over:` in `spec.expect`).
public enum ExpectationAggregate: Hashable, Sendable, CustomStringConvertible {
  /// The mean over replications, judged by its confidence interval (`confidence:`): it passes
  /// only when the whole interval meets the bound, fails when none of it does, and is
  /// inconclusive when the interval straddles the bound.
  case mean
  /// The largest replication's value (the worst case of a `max` bound).
  case max
  /// The smallest replication's value.
  case min
  /// Every replication's value must meet the bound (a per-replication rule).
  case every
  /// The q-quantile of the replications' values (linear interpolation between order
  /// statistics, Hyndman & Fan type 7 as numpy's default), 0 < q < 1.
  case quantile(Double)

  /// As written in `over:`.
  public var description: String {
    switch self {
    case .mean: "mean"
    case .max: "max"
    case .min: "min"
    case .every: "every"
    case .quantile(let q): "quantile(\(NodeReader.format(q)))"
    }
  }
}

/// The outcome of one expectation on one run.
public struct ExpectationVerdict: Hashable, Sendable {
  public enum Outcome: Hashable, Sendable {
    case pass, fail
    /// The interval of the mean straddles the bound: more replications would decide.
    case inconclusive
  }

  public var outcome: Outcome
  /// The figure compared with the bound (the mean, the max, the quantile …); for `every`, the
  /// replication furthest past (or nearest to) the bound.
  public var figure: Double
  /// The interval of the mean, for `over: mean` with a confidence level and two values or more.
  public var interval: ConfidenceInterval?
  /// Finite per-replication values the figure comes from.
  public var count: Int

  /// An estimate's interval against a bound (`holds`, true for the values that meet it): pass
  /// when the whole interval meets it, fail when none of it (nor the mean) does, inconclusive
  /// when it straddles the bound. The rule of `over: mean` and of `compare --expect`.
  public static func judge(_ interval: ConfidenceInterval, mean: Double, holds: (Double) -> Bool) -> Outcome {
    if holds(interval.low) && holds(interval.high) { return .pass }
    return holds(mean) || holds(interval.low) || holds(interval.high) ? .inconclusive : .fail
  }

  /// Judges `expectation` on the metric's per-replication `values` (non-finite ones are left
  /// out, as a replication in which the metric is undefined); nil when none is finite.
  public static func judge(_ expectation: Expectation, values: [Double]) -> ExpectationVerdict? {
    let finite = values.filter(\.isFinite).sorted()
    guard let first = finite.first, let last = finite.last else { return nil }
    let mean = finite.reduce(0, +) / Double(finite.count)
    let figure: Double
    switch expectation.over {
    case .mean:
      guard let level = expectation.confidence, finite.count >= 2,
            let interval = ConfidenceInterval.studentT(of: finite, level: level) else {
        return ExpectationVerdict(outcome: expectation.holds(for: mean) ? .pass : .fail, figure: mean, interval: nil, count: finite.count)
      }
      return ExpectationVerdict(outcome: judge(interval, mean: mean, holds: expectation.holds(for:)), figure: mean,
                                interval: interval, count: finite.count)
    case .max: figure = last
    case .min: figure = first
    case .every:
      // The value that decides: the one past the bound, else the nearest to it.
      let decisive = finite.first { !expectation.holds(for: $0) }
      figure = decisive ?? (expectation.max != nil ? last : first)
      return ExpectationVerdict(outcome: decisive == nil ? .pass : .fail, figure: figure, interval: nil, count: finite.count)
    case .quantile(let q):
      let h = Double(finite.count - 1) * q
      let below = Int(h.rounded(.down)), above = Swift.min(below + 1, finite.count - 1)
      figure = finite[below] + (h - Double(below)) * (finite[above] - finite[below])
    }
    return ExpectationVerdict(outcome: expectation.holds(for: figure) ? .pass : .fail, figure: figure, interval: nil, count: finite.count)
  }
}
