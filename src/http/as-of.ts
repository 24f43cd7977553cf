// The parameters that name a unit by id or by code, and `asOf`: the day a code resolves at (codes
// are reused over time). Each operation says which codes resolve at it and what its default is.
import Type from 'typebox'

/** `?asOf=`: `description` says which codes resolve at it, and its default. */
export const AsOf = (description: string) =>
  Type.Optional(Type.String({ format: 'date', description }))

/** A query of `asOf` alone: the day a code in the path resolves at. */
export const AsOfQuery = (description: string) =>
  Type.Object({ asOf: AsOf(description) }, { additionalProperties: false })

/** A path's `{ref}`: a unit's id or code. */
export const PathUnitRef = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Unit id or code.',
})
