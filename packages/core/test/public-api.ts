/**
 * The public type surface of `@tencent-captcha/core`, printed from `src/index.ts` with the TypeScript
 * checker: every exported name, whether it is a value and/or a type, and its type written out (the
 * members of interfaces and classes, the signatures of functions, the fields of const objects). It does
 * not depend on which file declares what, so moving code between files keeps it equal; removing an
 * export or changing its type does not. `public-api.test.ts` compares it with `public-api.snapshot.txt`.
 */
import { resolve } from 'node:path';
import ts from 'typescript';

const FLAGS =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.UseFullyQualifiedType |
  ts.TypeFormatFlags.WriteArrayAsGenericType |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;

export function publicApiSurface(packageDir: string): string {
  const entry = resolve(packageDir, 'src/index.ts');
  const program = ts.createProgram([entry], {
    strict: true,
    exactOptionalPropertyTypes: true,
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    customConditions: ['source'],
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`cannot read ${entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error('src/index.ts is not a module');
  const lines: string[] = [];
  const exports = [...checker.getExportsOfModule(moduleSymbol)].sort((a, b) => a.name.localeCompare(b.name));
  for (const exported of exports) lines.push(...describeExport(checker, exported));
  // `import("../x.js").Name` says where a name is declared, which is not part of the API.
  return `${lines.join('\n')}\n`.replace(/import\("[^"]+"\)\./g, '');
}

function describeExport(checker: ts.TypeChecker, exported: ts.Symbol): string[] {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const decl = symbol.declarations?.[0];
  if (!decl) return [`${exported.name}: <no declaration>`];
  const out: string[] = [];
  if (symbol.flags & ts.SymbolFlags.Value) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
    out.push(`value ${exported.name}: ${checker.typeToString(type, decl, FLAGS)}`);
    out.push(...members(checker, type, decl, '  '));
    for (const signature of type.getConstructSignatures())
      out.push(`  new ${checker.signatureToString(signature, decl, FLAGS)}`);
    if (symbol.flags & ts.SymbolFlags.Class) {
      const instance = checker.getDeclaredTypeOfSymbol(symbol);
      out.push(`  instance: ${checker.typeToString(instance, decl, FLAGS)}`);
      out.push(...members(checker, instance, decl, '    '));
    }
  }
  if (symbol.flags & ts.SymbolFlags.Type && !(symbol.flags & ts.SymbolFlags.Class)) {
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    const params = ts.isTypeAliasDeclaration(decl) || ts.isInterfaceDeclaration(decl) ? (decl.typeParameters ?? []) : [];
    const generic = params.length ? `<${params.map((p) => p.getText()).join(', ')}>` : '';
    out.push(
      `type ${exported.name}${generic} = ${checker.typeToString(type, decl, FLAGS | ts.TypeFormatFlags.InTypeAlias)}`,
    );
    out.push(...members(checker, type, decl, '  '));
  }
  return out;
}

function members(checker: ts.TypeChecker, type: ts.Type, decl: ts.Node, indent: string): string[] {
  const out: string[] = [];
  for (const signature of type.getCallSignatures()) out.push(`${indent}call ${checker.signatureToString(signature, decl, FLAGS)}`);
  if (!(type.flags & ts.TypeFlags.Object) && !type.isIntersection()) return out;
  // Library types (arrays, promises, Map…) are written by name only: their members are not core's API.
  const declared = (type.aliasSymbol ?? type.getSymbol())?.declarations?.[0]?.getSourceFile().fileName;
  if (declared && !declared.includes('/packages/') ) return out;
  for (const info of checker.getIndexInfosOfType(type))
    out.push(`${indent}[key: ${checker.typeToString(info.keyType, decl, FLAGS)}]: ${checker.typeToString(info.type, decl, FLAGS)}`);
  const props = [...checker.getPropertiesOfType(type)].sort((a, b) => a.name.localeCompare(b.name));
  for (const prop of props) {
    if (prop.name === 'prototype') continue;
    const optional = prop.flags & ts.SymbolFlags.Optional ? '?' : '';
    const readonly = isReadonly(prop) ? 'readonly ' : '';
    const propType = checker.getTypeOfSymbolAtLocation(prop, decl);
    out.push(`${indent}${readonly}${prop.name.replace(/@\d+$/, "")}${optional}: ${checker.typeToString(propType, decl, FLAGS)}`);
  }
  return out;
}

function isReadonly(prop: ts.Symbol): boolean {
  return (prop.declarations ?? []).some(
    (d) => (ts.getCombinedModifierFlags(d as ts.Declaration) & ts.ModifierFlags.Readonly) !== 0,
  );
}
