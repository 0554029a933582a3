import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { deleteMapping } from '../../services/import-mappings/delete-mapping.js';
import { listMappings } from '../../services/import-mappings/list-mappings.js';
import { readMapping } from '../../services/import-mappings/read-mapping.js';
import { saveMapping } from '../../services/import-mappings/save-mapping.js';
import { suggestMapping } from '../../services/import-mappings/suggest-mapping.js';
import { XLSX_MEDIA_TYPE } from '../../domain/closings/xlsx-sheet.js';
import { contextOf, type RouteDeps } from '../route-deps.js';
import { ImportMappingSchema, ImportMappingView, MappingName, MappingSuggestionView } from '../schemas/import-mapping.js';
import { Problem } from '../schemas/problem.js';
import { registerSpreadsheetParsers, spreadsheetBody } from '../spreadsheet-bodies.js';

const NameParams = Type.Object({ name: MappingName });

const importMappingRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  registerSpreadsheetParsers(app);

  app.get(
    '/import-mappings',
    {
      onRequest: app.requireFeature('commission_data'),
      schema: {
        tags: ['closings'],
        summary: 'Saved column mappings for closings spreadsheets, by name',
        security: [{ bearerAuth: [] }],
        response: { 200: Type.Object({ items: Type.Array(ImportMappingView) }), 402: Problem },
      },
    },
    async (request) => listMappings(contextOf(deps, request)),
  );

  app.put(
    '/import-mappings/:name',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      schema: {
        tags: ['closings'],
        summary: 'Create or replace a column mapping (admin)',
        description: 'Says which column feeds which closing field and how cell values translate. 201 when created, 200 when replaced; 422 with a pointer per problem.',
        security: [{ bearerAuth: [] }],
        params: NameParams,
        body: ImportMappingSchema,
        response: { 200: ImportMappingView, 201: ImportMappingView, 400: Problem, 402: Problem, 403: Problem, 422: Problem },
      },
    },
    async (request, reply) => {
      const saved = await saveMapping(contextOf(deps, request), { name: request.params.name, mapping: request.body });
      return reply.code(saved.created ? 201 : 200).send(saved.view);
    },
  );

  app.get(
    '/import-mappings/:name',
    {
      onRequest: app.requireFeature('commission_data'),
      schema: { tags: ['closings'], summary: 'One column mapping', security: [{ bearerAuth: [] }], params: NameParams, response: { 200: ImportMappingView, 402: Problem, 404: Problem } },
    },
    async (request) => readMapping(contextOf(deps, request), request.params),
  );

  app.delete(
    '/import-mappings/:name',
    {
      onRequest: [app.requireFeature('commission_data'), app.requireAdmin],
      schema: { tags: ['closings'], summary: 'Delete a column mapping (admin)', security: [{ bearerAuth: [] }], params: NameParams, response: { 204: Type.Null(), 402: Problem, 403: Problem, 404: Problem } },
    },
    async (request, reply) => {
      await deleteMapping(contextOf(deps, request), request.params);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/import-mappings/suggest',
    {
      onRequest: app.requireFeature('commission_data'),
      schema: {
        tags: ['closings'],
        summary: 'Guess a column mapping from a closings spreadsheet',
        description:
          `The body is the file, as text/csv (UTF-8, or \`charset=windows-1252\` declared) or ${XLSX_MEDIA_TYPE}. ` +
          'Answers the guessed mapping, the headers, the workbook\'s sheet names and the first rows\' values; nothing is saved. ' +
          '`?sheet=` reads another sheet of a workbook. 413 past the size caps, 415 for another media type, an encoding not read, macros or a file that is no xlsx.',
        security: [{ bearerAuth: [] }],
        consumes: ['text/csv', XLSX_MEDIA_TYPE],
        querystring: Type.Object({ sheet: Type.Optional(Type.String({ minLength: 1, maxLength: 31 })) }, { additionalProperties: false }),
        response: { 200: MappingSuggestionView, 402: Problem, 413: Problem, 415: Problem, 422: Problem },
      },
    },
    async (request) => {
      const body = spreadsheetBody(request.body, request.headers['content-type']);
      return suggestMapping(contextOf(deps, request), { ...body, sheet: request.query.sheet });
    },
  );
};

export default importMappingRoutes;
