/// "Did you mean": the known name closest to a misspelt one, for error messages.
public enum Suggestion {
  /// `; did you mean 'name'?` for the candidate nearest `name` by edit distance, when it is
  /// near enough to be a typo (within a third of the name's length, at least one edit); empty
  /// otherwise. Ties go to the first candidate, so give candidates in a fixed order.
  public static func didYouMean(_ name: String, among candidates: [String]) -> String {
    guard let best = nearest(name, among: candidates) else { return "" }
    return "; did you mean '\(best)'?"
  }

  /// The nearest candidate within the typo limit; none for names of one or two characters,
  /// whose every neighbour is one edit away.
  public static func nearest(_ name: String, among candidates: [String]) -> String? {
    guard name.count > 2 else { return nil }
    let limit = max(1, name.count / 3)
    var best: (String, Int)? = nil
    for candidate in candidates where candidate != name {
      let d = distance(name, candidate)
      if d <= limit, best.map({ d < $0.1 }) ?? true { best = (candidate, d) }
    }
    return best?.0
  }

  /// Levenshtein distance, case-insensitive.
  public static func distance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased())
    let y = Array(b.lowercased())
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    for i in 1...x.count {
      var current = [i] + Array(repeating: 0, count: y.count)
      for j in 1...y.count {
        current[j] = min(
          previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[y.count]
  }
}
