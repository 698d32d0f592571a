"""``certpath serve``'s application: the planner page, the JSON API and the SPARQL endpoint.

- :mod:`~certpath.web.app`: the ASGI application (routes, headers, body limits, kept answers);
- :mod:`~certpath.web.endpoint`: the SPARQL 1.1 Protocol (reading requests, answering queries);
- :mod:`~certpath.web.api`: the questions and their parameters (checked, named as the CLI's);
- :mod:`~certpath.web.jobs`: what a worker does with a job (through :mod:`certpath.service`);
- :mod:`~certpath.web.workers`: the worker processes, their deadlines and growth;
- :mod:`~certpath.web.cache`: answers kept for repeated questions;
- :mod:`~certpath.web.page`: the page's files (``static/``) and choices;
- :mod:`~certpath.web.openapi`: the API described.

:mod:`certpath.server` runs it on uvicorn (``certpath serve``, or :func:`certpath.server.running`
in a notebook).
"""
