/// Did-you-mean for unknown keys and names: the known name at Levenshtein distance <= 2
/// (case-insensitive), else one that starts with the given name or is its start (>= 3 letters).
enum KeySuggestion {
  static func suggest(_ given: String, among known: [String]) -> String? {
    let lowered = given.lowercased()
    guard lowered.count <= 64 else { return nil }
    var best: (name: String, distance: Int)?
    for name in known {
      let d = distance(Array(lowered), Array(name.lowercased()))
      if d <= 2 && d < (best?.distance ?? .max) { best = (name, d) }
    }
    if let best { return best.name }
    return known.first { name in
      let n = name.lowercased()
      return min(n.count, lowered.count) >= 3 && (n.hasPrefix(lowered) || lowered.hasPrefix(n))
    }
  }

  /// Levenshtein distance (insertions, deletions and substitutions each cost 1).
  static func distance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }

  /// `a key of <parent> (did you mean "x"?)` or `a key of <parent> (one of a, b, c)`.
  static func expectedKey(of parent: String, given: String, known: [String]) -> String {
    let owner = parent.isEmpty ? "the document" : parent
    if let suggestion = suggest(given, among: known) {
      return "a key of \(owner) (did you mean \"\(suggestion)\"?)"
    }
    return "a key of \(owner) (one of \(known.joined(separator: ", ")))"
  }
}
