import Foundation
import Mustache

/// Loads the Mustache templates shipped in the module bundle (`Templates/*.mustache`) once.
enum Templates {
    static let names = ["report", "index", "style", "table", "backtest"]

    static let library: Result<MustacheLibrary, ReportError> = {
        var templates: [String: MustacheTemplate] = [:]
        for n in names {
            guard let url = Bundle.module.url(forResource: n, withExtension: "mustache", subdirectory: "Templates")
                    ?? Bundle.module.url(forResource: n, withExtension: "mustache") else {
                return .failure(.template("Templates/\(n).mustache missing from the module bundle"))
            }
            do {
                templates[n] = try MustacheTemplate(string: String(contentsOf: url, encoding: .utf8))
            } catch {
                return .failure(.template("\(n).mustache: \(error)"))
            }
        }
        return .success(MustacheLibrary(templates: templates))
    }()

    /// Renders template `name` with `context`.
    static func render(_ name: String, _ context: Any) throws -> String {
        let lib = try library.get()
        guard let s = lib.render(context, withTemplate: name) else { throw ReportError.template("no template \(name)") }
        return s
    }
}
