internal import CGSL

/// One independent stream of pseudo-random numbers: a GSL MT19937 generator.
///
/// Each purpose in a model (arrivals of one client, service of one server, one network link,
/// one fault process) draws from its own stream, seeded by `StreamSeeds`, so that changing one
/// component never shifts the variates another component sees (common random numbers).
///
/// A class rather than a value: copying a generator would silently replay the same numbers,
/// and streams are kept in arrays indexed by component. Not `Sendable`: a stream belongs to
/// the one replication that created it.
public final class RandomStream {
  let generator: UnsafeMutablePointer<gsl_rng>
  /// The 32-bit seed the generator was set with (MT19937 uses only 32 bits of a seed).
  public let seed: UInt32

  /// A stream seeded with `seed`, as given (no hashing).
  public init(seed: UInt32) {
    GSLErrors.disableAbort()
    // gsl_rng_alloc returns nil only when out of memory, where nothing can go on.
    generator = gsl_rng_alloc(cgsl_mt19937())!
    gsl_rng_set(generator, UInt(seed))
    self.seed = seed
  }

  /// The stream named `name` in replication `replication` of a run seeded with `runSeed`.
  public convenience init(runSeed: UInt32, replication: Int, name: String) throws(StreamSeeds.SeedError) {
    self.init(seed: try StreamSeeds.seed(runSeed: runSeed, replication: replication, streamName: name))
  }

  deinit { gsl_rng_free(generator) }

  /// The stream as a plain value for a model's hot path (no reference counting when copied).
  public var source: RandomSource { RandomSource(generator: generator) }

  /// A uniform variate in [0, 1).
  public func uniform() -> Double { source.uniform() }

  /// A uniform variate in (0, 1): never exactly zero, safe for logarithms.
  public func uniformPositive() -> Double { source.uniformPositive() }

  /// A uniform integer in 0..<n (n ≥ 1).
  public func integer(below n: Int) -> Int { source.integer(below: n) }

  /// True with probability `p`.
  public func bernoulli(_ p: Double) -> Bool { source.bernoulli(p) }

  /// An exponential variate with the given mean.
  public func exponential(mean: SimDuration) -> SimDuration { source.exponential(mean: mean) }

  /// An exponential variate in seconds (see `RandomSource.exponentialSeconds(mean:)`).
  func exponentialSeconds(mean: Double) -> Double { source.exponentialSeconds(mean: mean) }

  /// A raw 32-bit output of the generator (for tests of the stream itself).
  public func next32() -> UInt32 { UInt32(truncatingIfNeeded: gsl_rng_get(generator)) }
}

/// A `RandomStream`'s generator as a plain value: copying it costs no reference counting, so a
/// model's components keep these in their tables and draw from them on every event. It draws from
/// the stream that made it (`RandomStream.source`), and is valid only while that stream lives: a
/// model keeps its `StreamRegistry` (which owns every stream) for its whole run.
public struct RandomSource {
  let generator: UnsafeMutablePointer<gsl_rng>

  /// A uniform variate in [0, 1).
  public func uniform() -> Double { gsl_rng_uniform(generator) }

  /// A uniform variate in (0, 1): never exactly zero, safe for logarithms.
  public func uniformPositive() -> Double { gsl_rng_uniform_pos(generator) }

  /// A uniform integer in 0..<n (n ≥ 1).
  public func integer(below n: Int) -> Int {
    precondition(n >= 1, "integer(below:) needs n >= 1")
    return Int(gsl_rng_uniform_int(generator, UInt(n)))
  }

  /// True with probability `p`.
  public func bernoulli(_ p: Double) -> Bool { gsl_rng_uniform(generator) < p }

  /// An exponential variate with the given mean.
  public func exponential(mean: SimDuration) -> SimDuration {
    .seconds(exponentialSeconds(mean: mean.seconds))
  }

  /// An exponential variate in seconds, by inversion: GSL's quantile `gsl_cdf_exponential_Qinv`
  /// (−mean·ln U) of a uniform U in (0, 1) from `gsl_rng_uniform_pos`. Exactly Exp(mean) in
  /// distribution, like `gsl_ran_exponential` (−mean·log1p(−U)), but glibc's `log1p` costs
  /// about three times `log`: with it, one variate took 37% of the engine's cycles on M/M/1.
  @usableFromInline func exponentialSeconds(mean: Double) -> Double {
    gsl_cdf_exponential_Qinv(gsl_rng_uniform_pos(generator), mean)
  }

  /// A lognormal variate in seconds: `gsl_ran_lognormal` (exp(mu + sigma·Z), Z standard normal).
  @usableFromInline func lognormalSeconds(mu: Double, sigma: Double) -> Double {
    gsl_ran_lognormal(generator, mu, sigma)
  }
}

@available(*, unavailable) extension RandomStream: Sendable {}
@available(*, unavailable) extension RandomSource: Sendable {}

/// GSL's error handler aborts the process by default; aggsim validates parameters before every
/// GSL call and reads NaN results instead, so the handler is switched off once per process.
enum GSLErrors {
  static let disabled: Bool = {
    gsl_set_error_handler_off()
    return true
  }()
  static func disableAbort() { _ = disabled }
}
