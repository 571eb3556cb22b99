{{- define "mailpipe.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "mailpipe.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "mailpipe.labels" -}}
{{ include "mailpipe.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The mailpipe.yaml of the ConfigMap: values.config plus the keys the chart owns. Fails on a mistake. */}}
{{- define "mailpipe.config" -}}
{{- $config := deepCopy .Values.config -}}
{{- $kafka := default dict $config.kafka -}}
{{- if hasKey $kafka "bootstrapServers" -}}
{{- fail "config.kafka.bootstrapServers: set kafka.bootstrapServers instead (the chart passes it as KAFKA_BOOTSTRAP_SERVERS)" -}}
{{- end -}}
{{- if hasKey (default dict $config.worker) "shutdownTimeout" -}}
{{- fail "config.worker.shutdownTimeout: set drain.timeoutSeconds instead (the termination grace period follows it)" -}}
{{- end -}}
{{- if hasKey (default dict $config.worker) "stateRetention" -}}
{{- fail "config.worker.stateRetention: set ledger.retention instead" -}}
{{- end -}}
{{- if hasKey (default dict $config.worker) "stateDir" -}}
{{- fail "config.worker.stateDir: set ledger.persistence.enabled instead (a volume per worker at /var/lib/mailpipe/ledger; the root file system is read-only)" -}}
{{- end -}}
{{- if hasKey (default dict $config.management) "port" -}}
{{- fail "config.management.port: set management.port instead (probes and the Service use it)" -}}
{{- end -}}
{{- if not $config.accounts -}}
{{- fail "config.accounts: at least one account is required" -}}
{{- end -}}
{{- range $i, $account := $config.accounts -}}
{{- range $key, $value := $account -}}
{{- if and (regexMatch "(?i)(password|secret|privatekey)$" $key) (kindIs "string" $value) (not (contains "${" $value)) -}}
{{- fail (printf "config.accounts[%d].%s holds a literal value: reference an environment variable (${NAME}) filled from secretEnv, or use a file from secretFiles; secrets never go into values" $i $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $_ := set $kafka "bootstrapServers" "${KAFKA_BOOTSTRAP_SERVERS}" -}}
{{- $_ := set $config "kafka" $kafka -}}
{{- $worker := default dict $config.worker -}}
{{- $_ := set $worker "shutdownTimeout" (printf "PT%dS" (int .Values.drain.timeoutSeconds)) -}}
{{- with .Values.ledger.retention -}}
{{- $_ := set $worker "stateRetention" . -}}
{{- end -}}
{{- $_ := set $config "worker" $worker -}}
{{- $management := default dict $config.management -}}
{{- $_ := set $management "port" (int .Values.management.port) -}}
{{- $_ := set $config "management" $management -}}
{{- toYaml $config -}}
{{- end -}}


{{/* Where a StatefulSet worker's ledger volume is mounted; MAILPIPE_WORKER_STATE_DIR points there. */}}
{{- define "mailpipe.ledgerMountPath" -}}
/var/lib/mailpipe/ledger
{{- end -}}

{{/* Deployment, or StatefulSet when the ledger keeps its stores on a volume per pod; the autoscalers target it. */}}
{{- define "mailpipe.workloadKind" -}}
{{- if .Values.ledger.persistence.enabled -}}StatefulSet{{- else -}}Deployment{{- end -}}
{{- end -}}

{{/* The worker pod: metadata and spec of the Deployment's or the StatefulSet's template (one pod for both). */}}
{{- define "mailpipe.podTemplate" -}}
metadata:
  labels:
    {{- include "mailpipe.selectorLabels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ include "mailpipe.config" . | sha256sum }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  automountServiceAccountToken: false
  # longer than the drain: SIGTERM lets in-flight sends finish and their outcomes be committed
  terminationGracePeriodSeconds: {{ add (int .Values.drain.timeoutSeconds) (int .Values.drain.extraSeconds) }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: mailpipe
      image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      args: ["run", "--config", "/etc/mailpipe/mailpipe.yaml"]
      ports:
        - name: management
          containerPort: {{ .Values.management.port }}
          protocol: TCP
      env:
        - name: KAFKA_BOOTSTRAP_SERVERS
          value: {{ .Values.kafka.bootstrapServers | quote }}
        - name: MAILPIPE_LOG_FORMAT
          value: {{ .Values.logFormat | quote }}
        - name: MAILPIPE_JAVA_OPTS
          value: {{ .Values.javaOpts | quote }}
        {{- range .Values.secretEnv }}
        - name: {{ .name }}
          valueFrom:
            secretKeyRef:
              name: {{ .secretName }}
              key: {{ .key }}
        {{- end }}
        {{- if .Values.ledger.persistence.enabled }}
        - name: MAILPIPE_WORKER_STATE_DIR   # worker.stateDir: the pod's own volume (volumeClaimTemplates)
          value: {{ include "mailpipe.ledgerMountPath" . | quote }}
        {{- end }}
        {{- with .Values.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      startupProbe:
        httpGet:
          path: /observe/health/live
          port: management
        periodSeconds: {{ .Values.probes.startup.periodSeconds }}
        failureThreshold: {{ .Values.probes.startup.failureThreshold }}
      livenessProbe:
        httpGet:
          path: /observe/health/live
          port: management
        periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
        timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
        failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
      readinessProbe:
        httpGet:
          path: /observe/health/ready
          port: management
        periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
        timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
        failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: ["ALL"]
      volumeMounts:
        - name: config
          mountPath: /etc/mailpipe
          readOnly: true
        - name: tmp
          mountPath: /tmp
        {{- if .Values.ledger.persistence.enabled }}
        - name: ledger
          mountPath: {{ include "mailpipe.ledgerMountPath" . }}
        {{- end }}
        {{- range $i, $f := .Values.secretFiles }}
        - name: secret-{{ $i }}
          mountPath: {{ $f.mountPath }}
          readOnly: true
        {{- end }}
  volumes:
    - name: config
      configMap:
        name: {{ include "mailpipe.fullname" . }}
    - name: tmp
      emptyDir: {}
    {{- range $i, $f := .Values.secretFiles }}
    - name: secret-{{ $i }}
      secret:
        secretName: {{ $f.secretName }}
        defaultMode: 0400
    {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
