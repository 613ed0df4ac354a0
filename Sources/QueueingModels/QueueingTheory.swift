/// Closed-form results of queueing theory that the engine is checked against.
///
/// Rates are per second and times are seconds (plain `Double`s: these are formulas, not model
/// state). Each function requires a stable system (utilisation < 1) where that applies and
/// returns NaN otherwise.
public enum QueueingTheory {
  /// Mean wait in queue of M/M/1: ρ / (μ − λ).
  public static func mm1MeanWait(arrivalRate λ: Double, serviceRate μ: Double) -> Double {
    let ρ = λ / μ
    return ρ < 1 ? ρ / (μ - λ) : .nan
  }

  /// Erlang C: probability that an arrival to M/M/c waits, for offered load a = λ/μ.
  public static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
    let ρ = a / Double(c)
    guard ρ < 1 else { return .nan }
    let b = erlangB(servers: c, offeredLoad: a)
    return b / (1 - ρ * (1 - b))
  }

  /// Mean wait in queue of M/M/c: C(c, a) / (cμ − λ).
  public static func mmcMeanWait(servers c: Int, arrivalRate λ: Double, serviceRate μ: Double) -> Double {
    erlangC(servers: c, offeredLoad: λ / μ) / (Double(c) * μ - λ)
  }

  /// Erlang B: blocking probability of M/M/c/c (or M/G/c/c), by the stable recursion
  /// B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)).
  public static func erlangB(servers c: Int, offeredLoad a: Double) -> Double {
    var b = 1.0
    for k in stride(from: 1, through: c, by: 1) { b = a * b / (Double(k) + a * b) }
    return b
  }

  /// Mean wait in queue of M/G/1 by Pollaczek–Khinchine: λ·E[S²] / (2(1 − ρ)), with
  /// E[S²] = Var[S] + E[S]².
  public static func mg1MeanWait(arrivalRate λ: Double, serviceMean m: Double, serviceStandardDeviation sd: Double) -> Double {
    let ρ = λ * m
    return ρ < 1 ? λ * (sd * sd + m * m) / (2 * (1 - ρ)) : .nan
  }

  /// Mean wait in queue of M/D/1: ρ·D / (2(1 − ρ)) (P-K with zero variance).
  public static func md1MeanWait(arrivalRate λ: Double, serviceTime d: Double) -> Double {
    mg1MeanWait(arrivalRate: λ, serviceMean: d, serviceStandardDeviation: 0)
  }
}
