"""Migration operations for indexes on tables that are large in service (issues, events,
visits): on PostgreSQL the index is built and dropped CONCURRENTLY, so a city's issues stay
writable while a new index is built over them; elsewhere (SQLite) plainly. A migration that
uses them sets `atomic = False`, as PostgreSQL builds concurrently only outside a transaction.
If a concurrent build fails, PostgreSQL leaves an INVALID index behind: drop it and migrate
again."""

from __future__ import annotations

from django.db.migrations.operations import AddIndex, RemoveIndex


def _concurrently(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class AddIndexOnline(AddIndex):
    atomic = False

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not _concurrently(schema_editor):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not _concurrently(schema_editor):
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)


class RemoveIndexOnline(RemoveIndex):
    atomic = False

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not _concurrently(schema_editor):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            schema_editor.remove_index(model, index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not _concurrently(schema_editor):
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
            schema_editor.add_index(model, index, concurrently=True)
