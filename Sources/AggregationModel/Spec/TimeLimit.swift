public import SimCore

/// A time limit that a scenario may switch off (`none` in YAML): a request or step is ended
/// `after` this much simulated time, or never by this limit (`unlimited`). Used where "no
/// limit" is a real setting to tell apart from "not given", such as the discovery cap before 1.16.
public enum TimeLimit: Hashable, Sendable {
  /// No limit.
  case unlimited
  /// Ended after this long (> 0).
  case after(SimDuration)

  /// `.after(duration)`, or `.unlimited` for nil.
  public init(_ duration: SimDuration?) {
    self = duration.map(TimeLimit.after) ?? .unlimited
  }

  /// The limit as an optional duration: nil when unlimited.
  public var duration: SimDuration? {
    switch self {
    case .unlimited: nil
    case .after(let duration): duration
    }
  }
}
