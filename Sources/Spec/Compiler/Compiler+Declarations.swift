import Explorer

// Declarations: globals, shared cells, functions and their signatures, types.
extension Compiler {
  func describe(_ global: Global) -> String {
    switch global {
    case .shared: return "shared variable"
    case .constant: return "constant"
    case .function: return "function"
    }
  }

  func checkNewGlobal(_ name: String, _ location: SourceLocation) -> Bool {
    if library.builtins[name] != nil || Compiler.specialForms.contains(name) {
      sink.error(location, "'\(name)' is a builtin and cannot be redefined")
      return false
    }
    if library.constants[name] != nil {
      sink.error(location, "'\(name)' is a built-in constant and cannot be redefined")
      return false
    }
    if let (existing, at) = globals[name] {
      let whereText = at.map { " at \($0)" } ?? ""
      sink.error(location, "'\(name)' is already declared as a \(describe(existing))\(whereText)")
      return false
    }
    return true
  }

  func resolveType(_ ref: TypeRef) -> SpecType {
    guard let base = library.typeNames[ref.name] else {
      sink.error(ref.location, "unknown type '\(ref.name)'")
      return .any
    }
    if ref.isPointer {
      if base == .rwlock || base == .spinlock { return base }
      return .pointer
    }
    return base
  }

  func declare(_ file: SourceFile, isVariant: Bool) {
    currentFile = file.path
    for constant in file.constants {
      let type = resolveType(constant.type)
      guard let (value, valueType) = constantValue(constant.value) else {
        sink.error(
          constant.value.location,
          "the value of constant '\(constant.name)' must be a constant expression")
        continue
      }
      if !valueType.isAssignable(to: type) {
        sink.error(
          constant.value.location,
          "cannot initialise constant '\(constant.name)' of type \(type) with a value of type \(valueType)"
        )
      }
      if checkNewGlobal(constant.name, constant.location) {
        globals[constant.name] = (.constant(value, type), constant.location)
      }
    }
    for shared in file.shareds {
      let type = resolveType(shared.type)
      var length: Int? = nil
      if let lengthExpr = shared.length {
        if let (value, _) = constantValue(lengthExpr), value.tag == .int {
          if value.bits < 1 || value.bits > 256 {
            sink.error(
              lengthExpr.location, "array length must be between 1 and 256, not \(value.bits)")
            continue
          }
          length = Int(value.bits)
        } else {
          sink.error(lengthExpr.location, "array length must be a constant integer")
          continue
        }
      }
      if type == .void {
        sink.error(shared.type.location, "shared variable '\(shared.name)' cannot have type void")
        continue
      }
      let isLock = type == .rwlock || type == .spinlock
      if isLock, !shared.initial.isEmpty {
        sink.error(shared.initial[0].location, "locks start free and take no initial value")
      }
      let count = length ?? 1
      if !isLock, shared.initial.count > count {
        sink.error(
          shared.initial[count].location,
          "too many initial values for '\(shared.name)': it has \(count) element\(count == 1 ? "" : "s")"
        )
      }
      guard checkNewGlobal(shared.name, shared.location) else { continue }
      let base = cells.count
      for i in 0..<count {
        var initial = Value.zero
        if type == .bool { initial = .bool(false) }
        if type == .spte { initial = SPTE(kind: .nonPresent).value }
        if !isLock, i < shared.initial.count {
          if let (value, valueType) = constantValue(shared.initial[i]) {
            if !valueType.isAssignable(to: type) {
              sink.error(
                shared.initial[i].location,
                "cannot initialise '\(shared.name)' of type \(type) with a value of type \(valueType)"
              )
            }
            initial = value
          } else {
            sink.error(
              shared.initial[i].location,
              "the initial value of '\(shared.name)' must be a constant expression")
          }
        }
        let kind: CellInfo.Kind = type == .rwlock ? .rwlock : type == .spinlock ? .spinlock : .value
        cells.append(
          CellInfo(name: length == nil ? shared.name : "\(shared.name)[\(i)]", kind: kind))
        initialCells.append(initial)
      }
      globals[shared.name] = (.shared(cell: base, length: length, type: type), shared.location)
    }
    for function in file.functions {
      var parameters: [(name: String, type: SpecType)] = []
      var seen: Set<String> = []
      for parameter in function.parameters {
        if !seen.insert(parameter.name).inserted {
          sink.error(
            parameter.location, "duplicate parameter '\(parameter.name)' in '\(function.name)'")
        }
        let type = parameter.type.map(resolveType) ?? .any
        if type == .void {
          sink.error(parameter.location, "parameter '\(parameter.name)' cannot have type void")
        }
        parameters.append((parameter.name, type))
      }
      let result = resolveType(function.returnType)
      if case .function(let existing)? = globals[function.name]?.0 {
        let previous = functionDecls[existing].decl
        if isVariant && function.isOverride && functionDecls[existing].file != file.path {
          // An override keeps the base's hooks unless it names its own.
          var function = function
          if function.hooks.isEmpty { function.hooks = previous.hooks }
          functionDecls[existing] = (function, file.path)
          signatures[existing] = (parameters, result)
          continue
        }
        if isVariant && !function.isOverride && previous.location.file != file.path {
          sink.error(
            function.location,
            "'\(function.name)' is already defined in the base at \(previous.location); mark it 'override' to replace it"
          )
        } else {
          sink.error(
            function.location,
            "duplicate function '\(function.name)' (first defined at \(previous.location))")
        }
        continue
      }
      if function.isOverride {
        if isVariant {
          sink.error(
            function.location,
            "'override' of unknown function '\(function.name)': the base defines no such function")
        } else {
          sink.error(
            function.location,
            "'override' is only allowed in a variant file (one that starts with 'variant of \"...\";')"
          )
        }
        continue
      }
      guard checkNewGlobal(function.name, function.location) else { continue }
      globals[function.name] = (.function(functionDecls.count), function.location)
      functionDecls.append((function, file.path))
      signatures.append((parameters, result))
    }
  }
}
