/// "Did you mean": the known name closest to a misspelt one, for error messages.
enum Suggestion {
  /// `; did you mean 'name'?` for the candidate nearest `name` by edit distance, when it is
  /// near enough to be a typo (at most a third of the name's length, and at least one edit);
  /// empty otherwise.
  static func didYouMean(_ name: String, among candidates: [String]) -> String {
    guard let best = nearest(name, among: candidates) else { return "" }
    return "; did you mean '\(best)'?"
  }

  static func nearest(_ name: String, among candidates: [String]) -> String? {
    let limit = max(1, name.count / 3)
    var best: (String, Int)? = nil
    for candidate in candidates where candidate != name {
      let d = distance(name, candidate)
      if d <= limit, best.map({ d < $0.1 }) ?? true { best = (candidate, d) }
    }
    return best?.0
  }

  /// Levenshtein distance, case-insensitive.
  static func distance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased())
    let y = Array(b.lowercased())
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    for i in 1...x.count {
      var current = [i] + Array(repeating: 0, count: y.count)
      for j in 1...y.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[y.count]
  }
}
