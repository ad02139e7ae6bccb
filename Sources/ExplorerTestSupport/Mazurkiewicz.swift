import Explorer

/// Mazurkiewicz traces of recorded executions, computed independently of the engine.
///
/// Two executions are equivalent when one becomes the other by swapping adjacent independent
/// steps of different threads. A step is labelled by its thread, its choice and its footprint
/// (its index within the thread is its position among that thread's letters); two letters are
/// dependent when they belong to the same thread or their footprints conflict. With a fixed
/// independence relation on letters, the Foata normal form is a canonical representative of a
/// trace: level `k` holds the steps whose longest chain of dependent predecessors has length `k`,
/// each level sorted by thread.
public enum Mazurkiewicz {
  /// One step as the equivalence sees it.
  public struct Letter: Hashable, Sendable, CustomStringConvertible {
    public var thread: Int
    public var choice: Int
    public var footprint: Footprint

    public init(thread: Int, choice: Int, footprint: Footprint) {
      self.thread = thread
      self.choice = choice
      self.footprint = footprint
    }

    public func isDependent(on other: Letter) -> Bool {
      thread == other.thread || footprint.conflicts(with: other.footprint)
    }

    public var description: String { choice == 0 ? "t\(thread)" : "t\(thread)/\(choice)" }
  }

  /// The Foata normal form of an execution: its steps grouped into levels of the happens-before
  /// order, each level sorted by thread.
  public static func foataNormalForm(_ letters: [Letter]) -> [[Letter]] {
    var level = [Int](repeating: 0, count: letters.count)
    var levels: [[Letter]] = []
    for j in letters.indices {
      var l = 0
      for i in 0..<j where letters[i].isDependent(on: letters[j]) { l = max(l, level[i] + 1) }
      level[j] = l
      if l == levels.count { levels.append([]) }
      levels[l].append(letters[j])
    }
    return levels.map { $0.sorted { $0.thread < $1.thread } }
  }

  /// The Foata normal form of a recorded execution.
  public static func foataNormalForm<State>(_ record: ExecutionRecord<State>) -> [[Letter]] {
    foataNormalForm(
      record.steps.map { Letter(thread: $0.thread, choice: $0.choice, footprint: $0.footprint) })
  }

  /// Whether two executions are equivalent by the definition itself: a breadth-first search over
  /// swaps of adjacent independent steps. Exponential; for cross-checking `foataNormalForm` on
  /// short executions only.
  public static func equivalentBySwaps(_ a: [Letter], _ b: [Letter]) -> Bool {
    guard a.count == b.count else { return false }
    var seen: Set<[Letter]> = [a]
    var frontier = [a]
    while let word = frontier.popLast() {
      if word == b { return true }
      for i in word.indices.dropLast() where !word[i].isDependent(on: word[i + 1]) {
        var swapped = word
        swapped.swapAt(i, i + 1)
        if seen.insert(swapped).inserted { frontier.append(swapped) }
      }
    }
    return false
  }
}
