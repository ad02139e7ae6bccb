/// A spec function that models a kernel function (`@kernel`), and where the spec declares it.
public struct ModelledFunction: Hashable, Sendable {
  /// The spec function's own name.
  public var name: String
  public var kernel: KernelReference
  public var location: SourceLocation
  /// `base` for the model, else the path of the variant that overrides the function.
  public var program: String
}

extension LoadedSpec {
  /// Every `@kernel` function of the loaded files once: the base model's first, sorted by
  /// kernel file and function, then each variant's overrides in the same order.
  public var modelledFunctions: [ModelledFunction] {
    var seen: Set<SourceLocation> = []
    var result: [ModelledFunction] = []
    for program in programs {
      var own: [ModelledFunction] = []
      for function in program.functions where seen.insert(function.location).inserted {
        guard let kernel = function.kernel else { continue }
        own.append(
          ModelledFunction(
            name: function.name, kernel: kernel, location: function.location,
            program: program.name))
      }
      result += own.sorted {
        ($0.kernel.file, $0.kernel.function, $0.location)
          < ($1.kernel.file, $1.kernel.function, $1.location)
      }
    }
    return result
  }
}
