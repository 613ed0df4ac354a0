import SimCore

/// The seat demand of one priority level (seats in use plus seats waiting, in seats) integrated
/// over simulated time, as the borrowing controller reads it every adjustment period
/// (apiserver:pkg/util/flowcontrol/fairqueuing/integrator.go, since 1.26): the time-weighted mean
/// and standard deviation (`sqrt(∫x²dt/T − mean²)`) and the largest value since the last reset.
/// A reset starts the next period with the current value as its minimum and maximum.
///
/// - Complexity: O(1) per change and per reset, no allocation.
struct SeatDemandIntegrator {
  /// The moments of one period, as `IntegratorResults`.
  struct Results: Hashable {
    /// Length of the period, in seconds.
    var duration: Double
    /// Time-weighted mean demand (seats); NaN for an empty period.
    var average: Double
    /// Time-weighted standard deviation (seats); NaN for an empty period or a negative variance
    /// from rounding.
    var deviation: Double
    /// Largest demand of the period (seats).
    var maximum: Double
  }

  private(set) var value = 0.0
  private var since: SimTime
  private var elapsed = 0.0
  private var integral = 0.0
  private var integralOfSquares = 0.0
  private var maximum = 0.0

  init(at now: SimTime) { since = now }

  /// The demand is `x` from `now` on.
  mutating func set(_ x: Double, at now: SimTime) {
    accumulate(to: now)
    value = x
    if x > maximum { maximum = x }
  }

  /// The results from the last reset up to `now`; the next period starts at `now`.
  mutating func reset(at now: SimTime) -> Results {
    accumulate(to: now)
    var results = Results(duration: elapsed, average: .nan, deviation: .nan, maximum: maximum)
    if elapsed > 0 {
      results.average = integral / elapsed
      let variance = integralOfSquares / elapsed - results.average * results.average
      if variance >= 0 { results.deviation = variance.squareRoot() }
    }
    elapsed = 0
    integral = 0
    integralOfSquares = 0
    maximum = value
    return results
  }

  private mutating func accumulate(to now: SimTime) {
    let dt = (now - since).seconds
    since = now
    elapsed += dt
    integral += value * dt
    integralOfSquares += value * value * dt
  }
}

/// A priority level's smoothed seat demand (apf_controller.go `seatDemandStats`, since 1.26):
/// `envelope = mean + standard deviation` of the last period, and
/// `smoothed = max(envelope, 0.977 × smoothed + 0.023 × envelope)`, so it follows a rise at once
/// and decays with a half-life of 5 minutes (30 periods of 10 s).
struct SeatDemandStatistics: Hashable {
  /// `seatDemandSmoothingCoefficient` (apiserver:pkg/util/flowcontrol/apf_controller.go:88, since 1.26).
  static let smoothingCoefficient = 0.977

  /// The largest demand of the last period, rounded to whole seats.
  var highWatermark = 0
  /// The smoothed envelope of the demand (seats).
  var smoothed = 0.0

  /// Takes in one period (`seatDemandStats.update`): an empty period changes only the high
  /// watermark; a NaN deviation counts as 0 (the edge cases of 1.29, backported to 1.26.13,
  /// 1.27.10 and 1.28.6; before them a real clock never gave an empty period).
  mutating func update(_ results: SeatDemandIntegrator.Results) {
    highWatermark = Int(results.maximum.rounded())
    guard results.duration > 0 else { return }
    let envelope = results.average + (results.deviation.isNaN ? 0 : results.deviation)
    let c = Self.smoothingCoefficient
    smoothed = max(envelope, c * smoothed + (1 - c) * envelope)
  }
}
