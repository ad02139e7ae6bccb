/// Which spec functions a scenario ran, and which of them it ran *racing*: with a step that
/// conflicts with a step of another thread enabled in the same reachable state.
///
/// Two such steps are exactly the pairs the search must run in both orders, so a function that
/// never races is one whose interleavings the scenarios never tried: a locking change to it is
/// checked only sequentially. A step counts for every function on its thread's call stack, so
/// `tdp_mmu_zap_leafs` races when a `tdp_mmu_set_spte_atomic` it calls does.
public struct ConcurrentCoverage: Sendable, Equatable {
  /// What coverage knows of one spec function.
  public struct Entry: Sendable, Equatable {
    public var name: String
    public var kernel: KernelReference?
    public var location: SourceLocation
    /// Whether the function's own code makes a shared access (a scheduling point); one that
    /// does not can never race, only the functions it is called from can.
    public var sharesMemory: Bool
    /// The scenarios in which some step ran in it.
    public var executedIn: Set<String> = []
    /// The scenarios in which one of its steps raced another thread's, and the functions the
    /// other thread was in (innermost), by scenario.
    public var racedWith: [String: Set<String>] = [:]

    public var executed: Bool { !executedIn.isEmpty }
    public var raced: Bool { !racedWith.isEmpty }
  }

  /// Every function of the program, in declaration order.
  public var functions: [Entry]
  /// The scenarios whose whole state graph was walked.
  public var completeScenarios: Set<String> = []
  /// The scenarios whose walk stopped at the state budget: what they cover is a lower bound.
  public var truncatedScenarios: Set<String> = []

  /// Adds what another walk of the same program found.
  public mutating func merge(_ other: ConcurrentCoverage) {
    var index: [SourceLocation: Int] = [:]
    for (i, entry) in functions.enumerated() { index[entry.location] = i }
    for entry in other.functions {
      guard let i = index[entry.location] else {
        index[entry.location] = functions.count
        functions.append(entry)
        continue
      }
      functions[i].executedIn.formUnion(entry.executedIn)
      functions[i].racedWith.merge(entry.racedWith) { $0.union($1) }
    }
    completeScenarios.formUnion(other.completeScenarios)
    truncatedScenarios.formUnion(other.truncatedScenarios)
  }
}
