"""The built-in publication policies, one YAML file per roster type (installed as ``deid.pipelines``)."""
