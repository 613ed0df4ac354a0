public import Foundation

/// What produced one scenario's results, written as `metadata.json` next to the CSVs: the
/// program (version, git commit), the input (scenario name and fingerprint), the run's
/// parameters (seed, replications, jobs, command line, time-bucket width) and its cost (wall
/// time, events).
///
/// This is the **only** output that holds wall-clock values (`startTime`, `wallTimeSeconds`,
/// `eventsPerSecond`) or the thread count (`jobs`); the CSVs never do, so they are byte-identical
/// across runs and thread counts, while this file is expected to differ.
///
/// JSON: keys in snake_case, sorted, pretty-printed, `/` not escaped; `start_time` is ISO 8601
/// UTC with milliseconds; a non-finite `wall_time_s` or `events_per_s` is written `null`.
public struct RunMetadata: Hashable, Sendable, Codable {
  /// aggsim's version, e.g. `0.1.0`.
  public var aggsimVersion: String
  /// Git commit the binary was built from (found by the caller), e.g. `7518a2c`; empty if unknown.
  public var gitCommit: String
  /// Scenario name (also the output directory's name).
  public var scenario: String
  /// `Fingerprint.hex` (FNV-1a 64, not cryptographic) of the scenario file's bytes.
  public var scenarioHash: String
  /// The run seed every replication's stream seeds derive from.
  public var seed: UInt32
  /// Number of replications run.
  public var replications: Int
  /// Number of replications run in parallel (worker threads).
  public var jobs: Int
  /// The command line, one argument per element, program name first.
  public var commandLine: [String]
  /// Wall-clock time the run started.
  public var startTime: Date
  /// Wall-clock duration of the run, seconds.
  public var wallTimeSeconds: Double
  /// Simulation events executed over all replications.
  public var events: Int
  /// Anything else worth recording (sweep parameters, host, flags), key → value.
  public var extras: [String: String]
  /// Width of the time buckets of `timeseries.csv`, seconds (`time_bucket_s`; nil, not written,
  /// when unknown, e.g. in metadata written before it was recorded).
  public var timeBucketSeconds: Double?
  /// The largest heap the allocator had in use during the run, in bytes (`peak_heap_bytes`,
  /// sampled once every simulated second of each replication; nil, not written, when unknown).
  public var peakHeapBytes: UInt64?
  /// The process's peak resident set, in bytes (`peak_resident_bytes`, from `getrusage`: the
  /// heap plus the binary's and the libraries' pages; nil, not written, when unknown).
  public var peakResidentBytes: UInt64?

  /// The metadata of one run; `scenarioHash` is usually `Fingerprint.hex(scenarioFileBytes)`.
  public init(
    aggsimVersion: String, gitCommit: String, scenario: String, scenarioHash: String, seed: UInt32,
    replications: Int, jobs: Int, commandLine: [String], startTime: Date, wallTimeSeconds: Double,
    events: Int, extras: [String: String] = [:], timeBucketSeconds: Double? = nil,
    peakHeapBytes: UInt64? = nil, peakResidentBytes: UInt64? = nil
  ) {
    self.aggsimVersion = aggsimVersion
    self.gitCommit = gitCommit
    self.scenario = scenario
    self.scenarioHash = scenarioHash
    self.seed = seed
    self.replications = replications
    self.jobs = jobs
    self.commandLine = commandLine
    self.startTime = startTime
    self.wallTimeSeconds = wallTimeSeconds
    self.events = events
    self.extras = extras
    self.timeBucketSeconds = timeBucketSeconds
    self.peakHeapBytes = peakHeapBytes
    self.peakResidentBytes = peakResidentBytes
  }

  /// The file name the metadata is written under.
  public static let fileName = "metadata.json"

  /// Simulation events per second of wall time; NaN when the wall time is not positive.
  public var eventsPerSecond: Double {
    wallTimeSeconds > 0 && wallTimeSeconds.isFinite ? Double(events) / wallTimeSeconds : .nan
  }

  enum CodingKeys: String, CodingKey {
    case aggsimVersion = "aggsim_version", gitCommit = "git_commit", scenario
    case scenarioHash = "scenario_hash", seed, replications, jobs, commandLine = "command_line"
    case startTime = "start_time", wallTimeSeconds = "wall_time_s", events
    case eventsPerSecond = "events_per_s", extras, timeBucketSeconds = "time_bucket_s"
    case peakHeapBytes = "peak_heap_bytes", peakResidentBytes = "peak_resident_bytes"
  }

  /// Encodes every field (`events_per_s` included, derived) under its snake_case key.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(aggsimVersion, forKey: .aggsimVersion)
    try c.encode(gitCommit, forKey: .gitCommit)
    try c.encode(scenario, forKey: .scenario)
    try c.encode(scenarioHash, forKey: .scenarioHash)
    try c.encode(seed, forKey: .seed)
    try c.encode(replications, forKey: .replications)
    try c.encode(jobs, forKey: .jobs)
    try c.encode(commandLine, forKey: .commandLine)
    try c.encode(Self.iso8601(startTime), forKey: .startTime)
    try c.encode(wallTimeSeconds.isFinite ? wallTimeSeconds : nil, forKey: .wallTimeSeconds)
    try c.encode(eventsPerSecond.isFinite ? eventsPerSecond : nil, forKey: .eventsPerSecond)
    try c.encode(events, forKey: .events)
    try c.encode(extras, forKey: .extras)
    try c.encodeIfPresent(timeBucketSeconds, forKey: .timeBucketSeconds)
    try c.encodeIfPresent(peakHeapBytes, forKey: .peakHeapBytes)
    try c.encodeIfPresent(peakResidentBytes, forKey: .peakResidentBytes)
  }

  /// Decodes what `encode(to:)` wrote (`events_per_s` is ignored: it is derived).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    aggsimVersion = try c.decode(String.self, forKey: .aggsimVersion)
    gitCommit = try c.decode(String.self, forKey: .gitCommit)
    scenario = try c.decode(String.self, forKey: .scenario)
    scenarioHash = try c.decode(String.self, forKey: .scenarioHash)
    seed = try c.decode(UInt32.self, forKey: .seed)
    replications = try c.decode(Int.self, forKey: .replications)
    jobs = try c.decode(Int.self, forKey: .jobs)
    commandLine = try c.decode([String].self, forKey: .commandLine)
    let text = try c.decode(String.self, forKey: .startTime)
    guard let date = Self.parseISO8601(text) else {
      throw DecodingError.dataCorruptedError(
        forKey: .startTime, in: c, debugDescription: "not an ISO 8601 UTC time: \(text)")
    }
    startTime = date
    wallTimeSeconds = try c.decodeIfPresent(Double.self, forKey: .wallTimeSeconds) ?? .nan
    events = try c.decode(Int.self, forKey: .events)
    extras = try c.decode([String: String].self, forKey: .extras)
    timeBucketSeconds = try c.decodeIfPresent(Double.self, forKey: .timeBucketSeconds)
    peakHeapBytes = try c.decodeIfPresent(UInt64.self, forKey: .peakHeapBytes)
    peakResidentBytes = try c.decodeIfPresent(UInt64.self, forKey: .peakResidentBytes)
  }

  /// The metadata as JSON text (keys sorted, pretty-printed, trailing newline).
  public func json() throws(OutputError) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    do {
      return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    } catch {
      throw .encoding(String(describing: error))
    }
  }

  /// The metadata as the `metadata.json` output file.
  public func outputFile() throws(OutputError) -> OutputFile {
    OutputFile(name: Self.fileName, text: try json())
  }

  /// `date` as ISO 8601 in UTC with milliseconds, e.g. `2026-11-24T01:53:02.125Z`.
  public static func iso8601(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: date)
  }

  /// Parses what `iso8601(_:)` writes (with or without fractional seconds).
  public static func parseISO8601(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)
  }
}
