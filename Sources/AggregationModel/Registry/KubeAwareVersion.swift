/// An API version string (`v2`, `v1beta1`, `v1alpha3`, or anything else such as `foo1`) ordered
/// as Kubernetes orders the versions of a group: kube-like versions before other strings; among
/// kube-like ones GA > beta > alpha, then higher major, then higher minor (`v10 > v2 > v1 >
/// v11beta2 > v10beta3 > v3beta1 > v12alpha1 > v11alpha2`); other strings in ascending
/// lexicographic order (`foo1 < foo10 < foo2`). Apimachinery `version.CompareKubeAwareVersionStrings`,
/// used for `versionPriority` ties (research kube-aggregator.md §5).
///
/// `Comparable` here means *sorts earlier*: `a < b` when `a` comes before `b` in discovery,
/// so `versions.sorted()` gives discovery order.
public struct KubeAwareVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Stability level of a kube-like version; a higher raw value sorts earlier.
  public enum Stability: Int, Hashable, Comparable, Sendable {
    case alpha = 0, beta = 1, ga = 2
    /// Alpha < beta < GA.
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
  }

  /// The version as written.
  public let text: String
  /// `(major, stability, minor)` when the text matches `^v([0-9]+)((alpha|beta)([0-9]+))?$`; nil otherwise.
  /// `minor` is 0 for GA versions.
  public let parsed: (major: Int, stability: Stability, minor: Int)?

  /// Parses `text`; any string is accepted (non-kube-like ones sort last).
  public init(_ text: String) {
    self.text = text
    self.parsed = KubeAwareVersion.parse(text)
  }

  /// The version as written.
  public var description: String { text }

  /// Equal when the texts are equal.
  public static func == (a: Self, b: Self) -> Bool { a.text == b.text }
  /// Hashes the text.
  public func hash(into hasher: inout Hasher) { hasher.combine(text) }

  /// True when `a` comes before `b` in discovery order.
  public static func < (a: Self, b: Self) -> Bool {
    if a.text == b.text { return false }
    switch (a.parsed, b.parsed) {
    case (nil, nil): return a.text < b.text
    case (nil, _): return false
    case (_, nil): return true
    case let (x?, y?):
      if x.stability != y.stability { return x.stability > y.stability }
      if x.major != y.major { return x.major > y.major }
      return x.minor > y.minor
    }
  }

  private static func parse(_ text: String) -> (major: Int, stability: Stability, minor: Int)? {
    let u = Array(text.utf8)
    guard u.first == UInt8(ascii: "v") else { return nil }
    var i = 1
    func digits() -> Int? {
      let start = i
      while i < u.count, u[i] >= UInt8(ascii: "0"), u[i] <= UInt8(ascii: "9") { i += 1 }
      guard i > start, i - start <= 18 else { return nil }   // Go's Atoi fails on overflow
      return Int(String(decoding: u[start..<i], as: UTF8.self))
    }
    guard let major = digits() else { return nil }
    if i == u.count { return (major, .ga, 0) }
    let rest = String(decoding: u[i...], as: UTF8.self)
    let stability: Stability
    if rest.hasPrefix("alpha") { stability = .alpha; i += 5 }
    else if rest.hasPrefix("beta") { stability = .beta; i += 4 }
    else { return nil }
    guard let minor = digits(), i == u.count else { return nil }
    return (major, stability, minor)
  }
}
