"""Static files in production (STATIC_MANIFEST=true, the Dockerfile): hashed names, compressed."""

from whitenoise.storage import CompressedManifestStaticFilesStorage

#: Our own JavaScript modules: the only files whose imports are rewritten.
OWN_MODULES = "wijkverband/js/"


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Also rewrites the imports between our JavaScript modules (threads.js imports reconnect.js)
    to the hashed names. Without it a page could run a new threads.js with a reconnect.js from
    before a release: only hashed names are cached for good, the plain name for a minute.

    Only our modules: the packages' own scripts (django-htmx's extensions) import files that are
    not among the static files, and Django's rewriting would stop collectstatic on them."""

    support_js_module_import_aggregation = True

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)
        if name.startswith(OWN_MODULES) or template not in _MODULE_TEMPLATES:
            return convert
        return lambda match: match["matched"]


_MODULE_TEMPLATES = {template for _pattern, template in StaticFilesStorage._js_module_import_aggregation_patterns[1]}
