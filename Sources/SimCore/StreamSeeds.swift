/// How the seed of every random stream is derived from the run's seed, the replication index
/// and the stream's name.
///
/// MT19937 seeds are effectively 32 bits (`gsl_rng_set` with 1 and 1 + 2³² gives the same
/// stream), so seeds are derived inside that space by a function that is collision-free by
/// construction within one run:
///
///     key(name)  = FNV-1a-64(UTF-8 of name) reduced to 21 bits (0 ..< 2²¹)
///     x          = replication · 2²¹ + key(name)           (replication < 1024, so x < 2³¹)
///     seed       = fmix32(x ⊕ fmix32(runSeed))             (MurmurHash3's finaliser)
///     if seed == 0 { seed = fmix32((x | 2³¹) ⊕ fmix32(runSeed)) }
///
/// `fmix32` is a bijection of 32-bit integers and `⊕ c` is one too, so distinct `x` give
/// distinct seeds. Distinct (replication, key) pairs give distinct `x`. The zero seed is
/// avoided because GSL replaces it with 4357, which could collide with a real seed; its
/// replacement comes from the unused half of the domain (x ≥ 2³¹), so it collides with nothing.
///
/// Distinct names can share a 21-bit key. `StreamRegistry` detects that among the streams of
/// one model and moves the later name (in byte order) to the next free key, so that seeds stay
/// distinct; only such a colliding stream's variates depend on which other names exist.
/// A stream's seed never depends on the order in which streams are created.
public enum StreamSeeds {
  /// Most replications one run may have (10 bits of the seed domain).
  public static let maxReplications = 1 << 10
  /// Size of the per-name key space (21 bits).
  public static let keySpace: UInt32 = 1 << 21

  /// Why a seed could not be derived.
  public struct SeedError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
  }

  /// The key of a stream name: FNV-1a 64 of its UTF-8 bytes, folded to 21 bits.
  public static func key(of name: String) -> UInt32 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in name.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    return UInt32(truncatingIfNeeded: (hash >> 32) ^ hash) & (keySpace - 1)
  }

  /// The seed of the stream with key `key` in `replication` of a run seeded with `runSeed`.
  public static func seed(runSeed: UInt32, replication: Int, key: UInt32) throws(SeedError) -> UInt32 {
    guard replication >= 0 && replication < maxReplications else {
      throw SeedError(description: "replication must be in 0..<\(maxReplications), found \(replication)")
    }
    precondition(key < keySpace, "a stream key has 21 bits")
    let mask = fmix32(runSeed)
    let x = UInt32(replication) << 21 | key
    let seed = fmix32(x ^ mask)
    return seed != 0 ? seed : fmix32((x | 1 << 31) ^ mask)
  }

  /// The seed of stream `streamName` (by its unresolved key) in `replication`.
  public static func seed(runSeed: UInt32, replication: Int, streamName: String) throws(SeedError) -> UInt32 {
    try seed(runSeed: runSeed, replication: replication, key: key(of: streamName))
  }

  /// MurmurHash3's 32-bit finaliser: a bijection that mixes every input bit into every output bit.
  @inlinable public static func fmix32(_ value: UInt32) -> UInt32 {
    var h = value
    h ^= h >> 16
    h = h &* 0x85eb_ca6b
    h ^= h >> 13
    h = h &* 0xc2b2_ae35
    h ^= h >> 16
    return h
  }
}

/// The random streams of one replication, created by name.
///
/// Asking twice for the same name returns the same stream. Keys of distinct names never
/// collide: a name whose 21-bit key is taken by another name moves to the next free key, and
/// the set of streams of a model is fixed when the model is built, so the resolution is the
/// same in every replication. To make it independent of creation order too, declare every
/// name up front with `StreamRegistry(runSeed:replication:names:)`.
public final class StreamRegistry {
  public let runSeed: UInt32
  public let replication: Int
  var keyByName: [String: UInt32] = [:]
  var nameByKey: [UInt32: String] = [:]
  var streamByName: [String: RandomStream] = [:]

  /// A registry for `replication` of a run seeded with `runSeed`, with `names` assigned their
  /// keys in byte order so that collisions resolve the same way whatever the creation order.
  public init(runSeed: UInt32, replication: Int, names: [String] = []) throws(StreamSeeds.SeedError) {
    guard replication >= 0 && replication < StreamSeeds.maxReplications else {
      throw StreamSeeds.SeedError(
        description: "replication must be in 0..<\(StreamSeeds.maxReplications), found \(replication)")
    }
    self.runSeed = runSeed
    self.replication = replication
    for name in Set(names).sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
      _ = resolvedKey(of: name)
    }
  }

  /// The key `name` uses in this registry (its FNV key, or the next free one on a collision).
  public func resolvedKey(of name: String) -> UInt32 {
    if let key = keyByName[name] { return key }
    var key = StreamSeeds.key(of: name)
    while nameByKey[key] != nil { key = (key + 1) & (StreamSeeds.keySpace - 1) }
    keyByName[name] = key
    nameByKey[key] = name
    return key
  }

  /// The stream called `name`, created on first use.
  public func stream(_ name: String) -> RandomStream {
    if let stream = streamByName[name] { return stream }
    // The replication was checked in init, so seed derivation cannot fail here.
    let seed = (try? StreamSeeds.seed(runSeed: runSeed, replication: replication, key: resolvedKey(of: name))) ?? 0
    let stream = RandomStream(seed: seed)
    streamByName[name] = stream
    return stream
  }

  /// Every stream created so far, with its seed, sorted by name (for run metadata).
  public var seeds: [(name: String, seed: UInt32)] {
    streamByName.map { ($0.key, $0.value.seed) }.sorted { $0.name < $1.name }
  }
}

@available(*, unavailable) extension StreamRegistry: Sendable {}
