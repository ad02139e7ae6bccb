// "Did you mean": the names a misspelt one could have meant, for the checker's messages.
extension Compiler {
  /// `; did you mean 'tdp_mmu_set_spte_atomic'?` for an unknown function: the nearest spec
  /// function, or builtin unless only spec functions will do (a thread's function).
  func suggestFunction(_ name: String, specOnly: Bool = false) -> String {
    var candidates = globals.compactMap { key, entry -> String? in
      if case .function = entry.0 { return key }
      return nil
    }
    if !specOnly { candidates += Array(library.builtins.keys) + Array(Compiler.specialForms) }
    return Suggestion.didYouMean(name, among: candidates.sorted())
  }

  /// The same for an unknown variable or constant: the nearest shared variable or constant.
  func suggestName(_ name: String) -> String {
    let candidates =
      globals.compactMap { key, entry -> String? in
        if case .function = entry.0 { return nil }
        return key
      } + Array(library.constants.keys)
    return Suggestion.didYouMean(name, among: candidates.sorted())
  }

  /// ` (did you mean 'deadlock'?)` for an unknown violation kind.
  func suggestKind(_ kind: String) -> String {
    Suggestion.nearest(kind, among: library.violationKinds).map { " (did you mean '\($0)'?)" } ?? ""
  }
}
